import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { tasks } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import { TASK_COLUMNS, type Task, type TaskColumn } from '../../src-common/domain/task';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import type { ProfileService } from '../agents/profile-service';
import type { SessionService } from '../agents/session-service';
import type { Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import type { ProjectService } from '../projects/project-service';
import type { WorktreeService } from '../worktrees/worktree-service';
import type { TaskVerification } from './task-verification';

/** A task as stored. */
export type TaskRow = typeof tasks.$inferSelect;

/** What the board asks other services, to check and label its cards. */
export interface TaskBoardDeps {
  projects: Pick<ProjectService, 'get' | 'namesOf'>;
  profiles: Pick<ProfileService, 'get'>;
  worktrees: Pick<WorktreeService, 'branchesOf'>;
  sessions: Pick<SessionService, 'factsOf'>;
  verification: Pick<TaskVerification, 'latestFor'>;
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The task board's cards and their order: the only writer and reader of `tasks`. */
export class TaskBoard {
  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly deps: TaskBoardDeps,
    private readonly clock: Clock,
  ) {}

  /** Adds a card at the end of the project's backlog. */
  create(input: { projectId: string; title: string; description: string; labels: string[]; profileId: string | null }): Task {
    this.deps.projects.get(input.projectId);
    if (input.profileId) this.deps.profiles.get(input.profileId);
    const now = this.clock();
    const row = this.db
      .insert(tasks)
      .values({ id: newId(), createdAt: now, updatedAt: now, projectId: input.projectId, profileId: input.profileId, title: input.title, description: input.description, labels: JSON.stringify(input.labels), column: 'backlog', position: this.lastPosition(input.projectId, 'backlog', true) + 1 })
      .returning()
      .get();
    this.changed(row);
    return this.get(row.id);
  }

  /** The cards, of one project or all, in board order. */
  list(projectId?: string): Task[] {
    const rows = this.db
      .select()
      .from(tasks)
      .where(projectId ? and(isNull(tasks.deletedAt), eq(tasks.projectId, projectId)) : isNull(tasks.deletedAt))
      .orderBy(asc(tasks.position))
      .all();
    return this.toTasks(rows);
  }

  /** One card. */
  get(id: string): Task {
    return this.toTasks([this.row(id)])[0]!;
  }

  /** Tasks waiting for review, and the tasks these sessions work on (the status model reads these). */
  inReviewOrFor(sessionIds: string[]): Task[] {
    const rows = this.db
      .select()
      .from(tasks)
      .where(and(isNull(tasks.deletedAt), sessionIds.length > 0 ? or(eq(tasks.column, 'waiting_approval'), inArray(tasks.sessionId, sessionIds)) : eq(tasks.column, 'waiting_approval')))
      .orderBy(asc(tasks.position))
      .all();
    return this.toTasks(rows);
  }

  /** Changes a card's words, labels or agent profile. */
  update(id: string, changes: { title?: string | undefined; description?: string | undefined; labels?: string[] | undefined; profileId?: string | null | undefined }): Task {
    const row = this.row(id);
    if (changes.profileId) this.deps.profiles.get(changes.profileId);
    this.write(row, {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.labels !== undefined ? { labels: JSON.stringify(changes.labels) } : {}),
      ...(changes.profileId !== undefined ? { profileId: changes.profileId } : {}),
    });
    return this.get(id);
  }

  /** Moves a card to `index` within `column` (drag and drop, or keyboard). */
  move(id: string, column: TaskColumn, index: number): Task {
    const row = this.row(id);
    const siblings = this.db
      .select({ id: tasks.id, position: tasks.position })
      .from(tasks)
      .where(and(eq(tasks.projectId, row.projectId), eq(tasks.column, column), isNull(tasks.deletedAt)))
      .orderBy(asc(tasks.position))
      .all()
      .filter((t) => t.id !== id);
    const at = Math.max(0, Math.min(index, siblings.length));
    const before = siblings[at - 1]?.position;
    const after = siblings[at]?.position;
    const position = before === undefined && after === undefined ? 1 : before === undefined ? after! - 1 : after === undefined ? before + 1 : (before + after) / 2;
    this.write(row, { column, position });
    return this.get(id);
  }

  /** Removes a card (a soft deletion, so the removal syncs). */
  remove(id: string): { id: string } {
    this.write(this.row(id), { deletedAt: this.clock() });
    return { id };
  }

  /** The highest position in a project's column (0 when empty); `liveOnly` leaves removed cards out. */
  lastPosition(projectId: string, column: TaskColumn, liveOnly: boolean): number {
    const where = and(eq(tasks.projectId, projectId), eq(tasks.column, column), liveOnly ? isNull(tasks.deletedAt) : undefined);
    return this.db.select({ position: tasks.position }).from(tasks).where(where).orderBy(desc(tasks.position)).get()?.position ?? 0;
  }

  /** The card a session works on while it is in progress, if any. */
  inProgressFor(sessionId: string): TaskRow | undefined {
    return this.db.select().from(tasks).where(and(eq(tasks.sessionId, sessionId), eq(tasks.column, 'in_progress'), isNull(tasks.deletedAt))).get();
  }

  /** Ids of the tasks a person approved and Pitwall merged. */
  mergedByUser(): string[] {
    return this.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.column, 'verified'), isNull(tasks.deletedAt), eq(tasks.approvedBy, 'user')))
      .all()
      .map((r) => r.id);
  }

  /** A task's row, removed or not; undefined when there never was one. */
  find(id: string): TaskRow | undefined {
    return this.db.select().from(tasks).where(eq(tasks.id, id)).get();
  }

  /** A live task's row; refuses an unknown or removed one. */
  row(id: string): TaskRow {
    const row = this.db.select().from(tasks).where(and(eq(tasks.id, id), isNull(tasks.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No task with id ${id}`);
    return row;
  }

  /** Writes changes to a task (a new version) and says it changed. */
  write(row: TaskRow, changes: Partial<TaskRow>): TaskRow {
    const next = this.db.update(tasks).set({ ...changes, ...nextVersion(row, this.clock()) }).where(eq(tasks.id, row.id)).returning().get();
    this.changed(next);
    return next;
  }

  /** Says a task changed (its verification, say) without writing it. */
  changed(row: TaskRow): void {
    this.events.emit('tasks:changed', { taskId: row.id, projectId: row.projectId });
  }

  private toTasks(rows: TaskRow[]): Task[] {
    const ids = (pick: (r: TaskRow) => string | null) => rows.map(pick).filter((x): x is string => x !== null);
    const names = this.deps.projects.namesOf(ids((r) => r.projectId));
    const branches = this.deps.worktrees.branchesOf(ids((r) => r.worktreeId));
    const sessions = this.deps.sessions.factsOf(ids((r) => r.sessionId));
    const latest = this.deps.verification.latestFor(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      projectName: names.get(r.projectId) ?? null,
      profileId: r.profileId,
      worktreeId: r.worktreeId,
      branch: r.worktreeId ? (branches.get(r.worktreeId) ?? null) : null,
      sessionId: r.sessionId,
      sessionStatus: r.sessionId ? (sessions.get(r.sessionId)?.status ?? null) : null,
      title: r.title,
      description: r.description,
      labels: parseJson<string[]>(r.labels, []),
      column: ((TASK_COLUMNS as readonly string[]).includes(r.column) ? r.column : 'backlog') as TaskColumn,
      position: r.position,
      rejectionCount: r.rejectionCount,
      approvedBy: r.approvedBy,
      approvedAt: r.approvedAt,
      diffSummary: parseJson<Task['diffSummary']>(r.diffSummary, null),
      gateDetail: r.gateDetail,
      verification: latest.get(r.id) ?? null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }
}
