import path from 'node:path';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { projects } from '../../db/schema';
import { nextVersion, softDeletion } from '../../db/row-version';
import type { PitwallDb } from '../../db/client';
import { projectConfigSchema, type Project, type ProjectConfig } from '../../src-common/domain/project';
import { formatZodError } from '../../src-common/format-zod-error';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { detectDefaultBranch, repositoryRoot } from '../git/repository';

type ProjectRow = typeof projects.$inferSelect;

/** A project's name made safe as a folder name. */
export function folderNameFor(name: string, id: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${slug || 'project'}-${id.slice(-8)}`;
}

/** Registered repositories: add, list, update, remove (Pitwall's record only, never the user's files). */
export class ProjectService {
  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly dataDir: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Registers the repository holding `folder` (an absolute path); answers the existing project when already registered. */
  async add(folder: string): Promise<Project> {
    // A relative path would be resolved against wherever the core was started.
    if (!path.isAbsolute(folder)) throw new AppError('invalid_request', `"${folder}" is not an absolute path; give the repository's full path`);
    const root = await repositoryRoot(path.resolve(folder));
    const existing = this.db.select().from(projects).where(eq(projects.path, root)).get();
    if (existing && existing.deletedAt === null) return this.toProject(existing);

    const config = projectConfigSchema.parse({ baseBranch: await detectDefaultBranch(root) });
    const now = this.clock();
    let row: ProjectRow;
    if (existing) {
      // Re-adding a removed project revives its record (same id) with fresh settings.
      row = this.db
        .update(projects)
        .set({ deletedAt: null, config: JSON.stringify(config), ...nextVersion(existing, now) })
        .where(eq(projects.id, existing.id))
        .returning()
        .get();
    } else {
      row = this.db
        .insert(projects)
        .values({ id: newId(), name: path.basename(root), path: root, config: JSON.stringify(config), createdAt: now, updatedAt: now })
        .returning()
        .get();
    }
    this.events.emit('projects:changed', { projectId: row.id });
    return this.toProject(row);
  }

  list(): Project[] {
    return this.db
      .select()
      .from(projects)
      .where(isNull(projects.deletedAt))
      .orderBy(asc(projects.name), asc(projects.createdAt))
      .all()
      .map((row) => this.toProject(row));
  }

  /** Projects' names by id, removed ones included (records made while they existed still name them). */
  namesOf(ids: readonly string[]): Map<string, string> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    return new Map(this.db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, unique)).all().map((p) => [p.id, p.name]));
  }

  get(id: string): Project {
    const row = this.db
      .select()
      .from(projects)
      .where(and(eq(projects.id, id), isNull(projects.deletedAt)))
      .get();
    if (!row) throw new AppError('not_found', `No project with id ${id}`);
    return this.toProject(row);
  }

  update(id: string, changes: { name?: string | undefined; config?: Partial<ProjectConfig> | undefined }): Project {
    const current = this.get(id);
    const merged = projectConfigSchema.safeParse({ ...current.config, ...changes.config });
    if (!merged.success) throw new AppError('invalid_request', `Invalid project settings: ${formatZodError(merged.error)}`);
    const row = this.db
      .update(projects)
      .set({
        name: changes.name ?? current.name,
        config: JSON.stringify(merged.data),
        ...nextVersion(current, this.clock()),
      })
      .where(eq(projects.id, id))
      .returning()
      .get();
    this.events.emit('projects:changed', { projectId: id });
    return this.toProject(row);
  }

  /** Forgets the project (soft delete, so it replicates); the repository and worktrees stay on disk. */
  remove(id: string): { id: string } {
    const current = this.get(id);
    const now = this.clock();
    this.db
      .update(projects)
      .set(softDeletion(current, now))
      .where(eq(projects.id, id))
      .run();
    this.events.emit('projects:changed', { projectId: id });
    return { id };
  }

  /** The folder new worktrees of this project go in. */
  worktreeRoot(project: Pick<Project, 'id' | 'name' | 'config'>): string {
    return project.config.worktreeRoot ?? path.join(this.dataDir, 'worktrees', folderNameFor(project.name, project.id));
  }

  private toProject(row: ProjectRow): Project {
    let raw: unknown;
    try {
      raw = JSON.parse(row.config);
    } catch {
      raw = {};
    }
    // A stored config that no longer parses falls back to defaults rather than hiding the project.
    const parsed = projectConfigSchema.safeParse(raw);
    const config = parsed.success ? parsed.data : projectConfigSchema.parse({ baseBranch: 'main' });
    const base = { id: row.id, name: row.name, config };
    return {
      ...base,
      path: row.path,
      resolvedWorktreeRoot: this.worktreeRoot(base),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      version: row.version,
    };
  }
}
