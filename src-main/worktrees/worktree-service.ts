import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { worktrees } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import type { Project } from '../../src-common/domain/project';
import { WORKTREE_STATUSES, type Worktree, type WorktreeGitStatus, type WorktreeStatus } from '../../src-common/domain/worktree';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { fetchBranch } from '../git/fetch';
import { assertValidBranchName } from '../git/ref-format';
import { listRemotes, refExists } from '../git/repository';
import { snapshotRefName, snapshotWorkingTree, restoreSnapshot } from '../git/snapshot';
import { changedPaths, readWorktreeStatus } from '../git/status';
import {
  addWorktreeForBranch,
  addWorktreeWithNewBranch,
  listWorktrees,
  pruneWorktrees,
  removeWorktree,
  type GitWorktreeEntry,
} from '../git/worktree';
import type { Disposable } from '../lifecycle';
import type { ProjectService } from '../projects/project-service';
import { gitProbe } from '../git/git';
import { untrackedFiles } from '../git/untracked';
import { copiedFiles, keepCopiedFilesOut } from './copied-files';
import { copyIncludedFiles, includePatterns } from './copy-included-files';
import { inspectCreation, rollBackCreation } from './creation-recovery';
import { runScript } from './init-script';
import { KeyedQueue } from './keyed-queue';
import { assertInside, worktreePathFor } from './worktree-paths';

type WorktreeRow = typeof worktrees.$inferSelect;

/** What `create` learned while git checked a new worktree out, for `prepare` to use instead of asking git again. */
interface FreshCheckout {
  untracked: Promise<string[]>;
  headSha: Promise<string | null>;
  branch: string;
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Creates, lists, removes and restores a project's git worktrees. */
export class WorktreeService implements Disposable {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly projects: ProjectService,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Fetches the base (when the repository has a remote), creates `branch` from it in a new
   * worktree, copies included files, runs the init script. Answers the record: `active`, or
   * `error` with the reason when a step after validation failed.
   */
  async create(request: { projectId: string; branch: string; base?: string | undefined }): Promise<Worktree> {
    const project = this.projects.get(request.projectId);
    if (!project.config.useWorktrees) {
      throw new AppError('worktrees_disabled', `Worktrees are turned off for ${project.name}; its agents work in the main checkout`);
    }
    // Independent git calls run together: on a small repository their start-up is most of the time.
    // The branch and base checks are asked for at once too, and trusted when no other worktree task of
    // the project ran in between (otherwise asked again in turn).
    const base = request.base ?? project.config.baseBranch;
    const seen = this.queue.started(project.id);
    const [branch, remotes, takenEarly, baseEarly] = await Promise.all([
      assertValidBranchName(project.path, request.branch),
      listRemotes(project.path),
      refExists(project.path, `refs/heads/${request.branch}`),
      refExists(project.path, `refs/heads/${base}`),
    ]);
    return this.queue.run(project.id, async () => {
      const undisturbed = this.queue.started(project.id) === seen + 1;
      const log: string[] = [];
      const taken = undisturbed ? takenEarly : await refExists(project.path, `refs/heads/${branch}`);
      const start = this.resolveStartPoint(project, base, log, remotes, undisturbed ? baseEarly : undefined);
      start.catch(() => undefined);
      if (taken) {
        throw new AppError('already_exists', `Branch ${branch} already exists in ${project.name}`);
      }
      const root = project.resolvedWorktreeRoot;
      const target = worktreePathFor(root, branch);
      if (fs.existsSync(target)) throw new AppError('already_exists', `${target} already exists`);

      const startPoint = await start;
      const now = this.clock();
      const row = this.db
        .insert(worktrees)
        .values({ id: newId(), projectId: project.id, branch, baseRef: startPoint, path: target, status: 'creating', createdAt: now, updatedAt: now })
        .returning()
        .get();
      this.changed(row);

      // While git checks the worktree out: the main checkout's untracked files (to copy) and the start commit.
      const patterns = includePatterns(project.path, project.config.copyFiles);
      const untracked = patterns.length > 0 ? untrackedFiles(project.path) : Promise.resolve([]);
      const headSha = gitProbe(project.path, ['rev-parse', '--verify', `${startPoint}^{commit}`]);
      untracked.catch(() => undefined);
      headSha.catch(() => undefined);
      try {
        fs.mkdirSync(root, { recursive: true });
        await addWorktreeWithNewBranch(project.path, target, branch, startPoint);
      } catch (error) {
        return this.toWorktree(this.setStatus(row.id, 'error', { error: messageOf(error) }), null);
      }

      return this.prepare(project, row.id, target, log, { untracked, headSha, branch });
    });
  }

  /** After `git worktree add`: copies included files, runs the init script, and settles the record. */
  private async prepare(project: Project, id: string, target: string, log: string[], fresh?: FreshCheckout): Promise<Worktree> {
    try {
      const copied = await copyIncludedFiles(project.path, target, includePatterns(project.path, project.config.copyFiles), fresh?.untracked);
      await keepCopiedFilesOut(target, copied);
      if (copied.length > 0) log.push(`Copied ${copied.length} file(s), kept out of commits: ${copied.join(', ')}`);
    } catch (error) {
      log.push(`Copying included files failed: ${messageOf(error)}`);
    }

    if (project.config.initScript) {
      log.push(`$ ${project.config.initScript}`);
      const result = await runScript(project.config.initScript, target);
      log.push(result.output.trimEnd());
      if (result.exitCode !== 0) {
        const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal ?? 'an error'}`;
        return this.toWorktree(this.setStatus(id, 'error', { error: `Init script ${why}`, initLog: log.join('\n') }), null);
      }
    }
    const done = this.setStatus(id, 'active', { initLog: log.length > 0 ? log.join('\n') : null });
    // Nothing has touched a fresh checkout but the copies (kept out of its status): it is clean, on the start commit.
    const sha = fresh && !project.config.initScript ? await fresh.headSha.catch(() => null) : null;
    if (fresh && sha) return this.toWorktree(done, { headSha: sha, dirtyCount: 0, ahead: 0, behind: 0, currentBranch: fresh.branch });
    return this.toWorktree(done, await this.safeStatus(done));
  }

  /**
   * At start-up: a worktree a crash left `creating` is finished when git has it on its branch
   * (included files and the init script run again), and rolled back otherwise (the half-made
   * worktree, folder and branch removed, the record with them). Runs in each project's queue;
   * resolves once every one is settled.
   */
  async recover(): Promise<void> {
    const stuck = this.db.select().from(worktrees).where(and(eq(worktrees.status, 'creating'), isNull(worktrees.deletedAt))).all();
    await Promise.all(
      stuck.map(async (row) => {
        try {
          const project = this.projects.get(row.projectId);
          await this.queue.run(project.id, () => this.recoverOne(project, row));
        } catch (error) {
          // The project is gone or git failed: never leave the record stuck.
          this.setStatus(row.id, 'error', { error: `Pitwall stopped while creating this worktree, and recovering it failed: ${messageOf(error)}` });
        }
      }),
    );
  }

  private async recoverOne(project: Project, row: WorktreeRow): Promise<void> {
    const found = await inspectCreation(project.path, row);
    if (found.complete) {
      await this.prepare(project, row.id, row.path, ['Pitwall stopped while creating this worktree; git had made it, so the rest was finished at start-up.']);
      return;
    }
    const notes = await rollBackCreation(project.path, row, found);
    this.update(row, {
      status: 'removed',
      error: ['Pitwall stopped while creating this worktree; what was half made was removed.', ...notes].join(' '),
      deletedAt: this.clock(),
    });
  }

  /**
   * The project's worktrees with live git status. Worktrees made outside Pitwall are recorded as
   * external, vanished folders become `missing`, and a branch switched outside Pitwall is followed.
   */
  async list(projectId: string): Promise<Worktree[]> {
    const project = this.projects.get(projectId);
    let entries: GitWorktreeEntry[];
    try {
      entries = await listWorktrees(project.path);
    } catch {
      // Git could not answer (a lock, a broken config, a repository being moved): that says nothing
      // about the worktrees, so they keep the status they had rather than all turning `missing`.
      return Promise.all(this.rowsOf(project.id).map(async (row) => this.toWorktree(row, row.status === 'active' ? await this.safeStatus(row) : null)));
    }
    const mainPath = realpathOr(project.path);
    const byPath = new Map(entries.filter((e) => realpathOr(e.path) !== mainPath && !e.bare).map((e) => [realpathOr(e.path), e]));
    let rows = this.rowsOf(project.id);
    const known = new Set(rows.map((r) => realpathOr(r.path)));

    for (const [entryPath, entry] of byPath) {
      if (known.has(entryPath)) continue;
      const now = this.clock();
      this.db
        .insert(worktrees)
        .values({
          id: newId(),
          projectId: project.id,
          branch: entry.branch ?? '(detached)',
          baseRef: project.config.baseBranch,
          path: entryPath,
          status: entry.prunable ? 'missing' : 'active',
          external: true,
          createdAt: now,
          updatedAt: now,
        })
        .run();
    }

    for (const row of rows) {
      if (row.status !== 'active' && row.status !== 'missing') continue;
      const entry = byPath.get(realpathOr(row.path));
      const present = entry !== undefined && !entry.prunable && fs.existsSync(row.path);
      const status: WorktreeStatus = present ? 'active' : 'missing';
      const branch = entry?.branch && entry.branch !== row.branch ? entry.branch : row.branch;
      if (status !== row.status || branch !== row.branch) this.update(row, { status, branch });
    }

    rows = this.rowsOf(project.id);
    return Promise.all(rows.map(async (row) => this.toWorktree(row, row.status === 'active' ? await this.safeStatus(row) : null)));
  }

  /**
   * Removes a worktree. Refuses when it has uncommitted changes unless `force`; a forced removal
   * first saves them under `refs/pitwall/snapshots/<id>` so `restore` can bring them back.
   */
  async remove(worktreeId: string, force = false): Promise<Worktree> {
    const row = this.getRow(worktreeId);
    const project = this.projects.get(row.projectId);
    return this.queue.run(project.id, async () => {
      const current = this.getRow(worktreeId);
      if (current.status === 'removed') return this.toWorktree(current, null);
      assertInside(path.dirname(current.path), current.path);
      const exists = fs.existsSync(current.path);
      let snapshotRef: string | null = null;
      if (exists && current.status !== 'creating') {
        // Files Pitwall copied in (.env) are not the agent's work: they neither block nor join a snapshot.
        const copied = await copiedFiles(current.path);
        const dirty = await changedPaths(current.path, copied).catch(() => []);
        if (dirty.length > 0 && !force) {
          throw new AppError(
            'dirty_worktree',
            `${current.branch} has ${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'}; remove with force to save them as a snapshot first`,
          );
        }
        if (dirty.length > 0) {
          snapshotRef = snapshotRefName(current.id);
          await snapshotWorkingTree(current.path, snapshotRef, `Pitwall snapshot of ${current.branch} before removal`, copied);
        }
        // git counts an un-ignored copy as untracked work and would refuse without --force.
        const copiesLeft = copied.length > 0 && (await changedPaths(current.path).catch(() => [])).length > dirty.length;
        await removeWorktree(project.path, current.path, force || dirty.length > 0 || copiesLeft);
      } else {
        await pruneWorktrees(project.path).catch(() => undefined);
      }
      const now = this.clock();
      const removed = this.update(current, {
        status: 'removed',
        snapshotRef,
        // Without a snapshot there is nothing to restore, so the record itself goes (soft delete).
        deletedAt: snapshotRef ? null : now,
      });
      return this.toWorktree(removed, null);
    });
  }

  /** Checks the branch out again at the worktree's path and puts the snapshot's changes back. */
  async restore(worktreeId: string): Promise<Worktree> {
    const row = this.getRow(worktreeId);
    const project = this.projects.get(row.projectId);
    return this.queue.run(project.id, async () => {
      const current = this.getRow(worktreeId);
      if (current.status !== 'removed' || !current.snapshotRef) {
        throw new AppError('invalid_request', `Worktree ${current.branch} has no snapshot to restore`);
      }
      if (fs.existsSync(current.path)) throw new AppError('already_exists', `${current.path} already exists; move it away first`);
      fs.mkdirSync(path.dirname(current.path), { recursive: true });
      if (await refExists(project.path, `refs/heads/${current.branch}`)) {
        await addWorktreeForBranch(project.path, current.path, current.branch);
      } else {
        await addWorktreeWithNewBranch(project.path, current.path, current.branch, `${current.snapshotRef}^`);
      }
      await restoreSnapshot(current.path, current.snapshotRef);
      const restored = this.update(current, { status: 'active', snapshotRef: null, error: null });
      return this.toWorktree(restored, await this.safeStatus(restored));
    });
  }

  /** One worktree record, without live git status. */
  get(worktreeId: string): Worktree {
    return this.toWorktree(this.getRow(worktreeId), null);
  }

  /** Worktrees' branches by id, removed ones included (a merged task still names its branch). */
  branchesOf(ids: readonly string[]): Map<string, string> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    return new Map(this.db.select({ id: worktrees.id, branch: worktrees.branch }).from(worktrees).where(inArray(worktrees.id, unique)).all().map((w) => [w.id, w.branch]));
  }

  /** The worktree, or null once it is gone (removed without a snapshot to restore). */
  find(worktreeId: string): Worktree | null {
    const row = this.db
      .select()
      .from(worktrees)
      .where(and(eq(worktrees.id, worktreeId), isNull(worktrees.deletedAt)))
      .get();
    return row ? this.toWorktree(row, null) : null;
  }

  /** Waits for queued git operations to finish. */
  async dispose(): Promise<void> {
    await this.queue.idle();
  }

  private async resolveStartPoint(project: Project, base: string, log: string[], remotes: string[], localBase?: boolean): Promise<string> {
    const remote = remotes.includes('origin') ? 'origin' : remotes[0];
    if (remote) {
      try {
        await fetchBranch(project.path, remote, base);
        log.push(`Fetched ${base} from ${remote}`);
      } catch (error) {
        log.push(`Could not fetch ${base} from ${remote}: ${messageOf(error)}`);
      }
      if (await refExists(project.path, `refs/remotes/${remote}/${base}`)) return `${remote}/${base}`;
    }
    if (localBase ?? (await refExists(project.path, `refs/heads/${base}`))) return base;
    if (await refExists(project.path, base)) return base;
    throw new AppError('not_found', `Base ${base} was not found in ${project.name}`);
  }

  private rowsOf(projectId: string): WorktreeRow[] {
    return this.db
      .select()
      .from(worktrees)
      .where(and(eq(worktrees.projectId, projectId), isNull(worktrees.deletedAt)))
      .orderBy(asc(worktrees.createdAt), asc(worktrees.id))
      .all();
  }

  private getRow(id: string): WorktreeRow {
    const row = this.db
      .select()
      .from(worktrees)
      .where(and(eq(worktrees.id, id), isNull(worktrees.deletedAt)))
      .get();
    if (!row) throw new AppError('not_found', `No worktree with id ${id}`);
    return row;
  }

  private setStatus(id: string, status: WorktreeStatus, extra: Partial<WorktreeRow> = {}): WorktreeRow {
    return this.update(this.getRow(id), { status, ...extra });
  }

  /** One update: bumps `version` and `updated_at` (the sync outbox trigger records it) and emits. */
  private update(row: WorktreeRow, changes: Partial<WorktreeRow>): WorktreeRow {
    const next = this.db
      .update(worktrees)
      .set({ ...changes, ...nextVersion(row, this.clock()) })
      .where(eq(worktrees.id, row.id))
      .returning()
      .get();
    this.changed(next);
    return next;
  }

  private changed(row: WorktreeRow): void {
    this.events.emit('worktrees:changed', { projectId: row.projectId, worktreeId: row.id });
  }

  private async safeStatus(row: WorktreeRow): Promise<WorktreeGitStatus | null> {
    try {
      return await readWorktreeStatus(row.path, row.baseRef, await copiedFiles(row.path));
    } catch {
      return null;
    }
  }

  private toWorktree(row: WorktreeRow, git: WorktreeGitStatus | null): Worktree {
    const status = (WORKTREE_STATUSES as readonly string[]).includes(row.status) ? (row.status as WorktreeStatus) : 'error';
    return {
      id: row.id,
      projectId: row.projectId,
      branch: row.branch,
      baseRef: row.baseRef,
      path: row.path,
      status,
      error: row.error,
      external: row.external,
      initLog: row.initLog,
      snapshotRef: row.snapshotRef,
      git,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
