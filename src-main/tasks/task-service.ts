import path from 'node:path';
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { projects, sessions, tasks, verificationRuns, worktrees } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import { isFinished, type SessionStatus } from '../../src-common/domain/agent';
import { COLUMN_WORDS, TASK_COLUMNS, type Task, type TaskColumn, type Verification } from '../../src-common/domain/task';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import type { ProfileService } from '../agents/profile-service';
import type { SessionService } from '../agents/session-service';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { gitProbe } from '../git/git';
import { listWorktrees } from '../git/worktree';
import { githubRemote, pushBranch } from '../git/github';
import { commitAll, landBranch, mergeTree, removeScratchCheckouts, type MergeStrategy } from '../git/merge';
import { resolveCommand } from '../agents/command-resolver';
import type { UserEnvironment } from '../agents/user-environment';
import { execFile } from 'node:child_process';
import { DisposableStore, type Disposable } from '../lifecycle';
import { ensurePrivateDir, writePrivateFile } from '../private-files';
import type { ProjectService } from '../projects/project-service';
import type { DiffService } from '../review/diff-service';
import { copiedFiles } from '../worktrees/copied-files';
import { runScript } from '../worktrees/init-script';
import { KeyedQueue } from '../worktrees/keyed-queue';
import { LandingJournal, type Landing } from './landing-journal';
import type { WorktreeService } from '../worktrees/worktree-service';

type Row = typeof tasks.$inferSelect;
type RunRow = typeof verificationRuns.$inferSelect;

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'task';
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * The task board and the human gate: a task starts an agent in its own worktree; when the agent
 * stops, the task waits for approval with its diff summary and the verify command's result;
 * approve lands the branch on the base, reject sends the reason back to the agent.
 */
export class TaskService implements Disposable {
  private readonly store = new DisposableStore();
  /**
   * The gate's steps for one task run one at a time: each checks the task's column, awaits (a
   * diff, a verify command, a merge) and then writes, so two at once (an `idle` event and then
   * `exited`) would both pass the check and verify twice.
   */
  private readonly gate = new KeyedQueue();
  private readonly verificationDir: string;
  private readonly landings: LandingJournal;
  private recovering: Promise<void> | null = null;
  private disposed = false;
  /** Aborted on dispose: a verify command still running is killed, and left `running` for the next start's sweep to redo. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly projectService: ProjectService,
    private readonly worktreeService: WorktreeService,
    private readonly profiles: ProfileService,
    private readonly sessionService: SessionService,
    private readonly diffs: DiffService,
    dirs: { verification: string; landing: string },
    private readonly userEnv: UserEnvironment,
    private readonly clock: Clock = systemClock,
  ) {
    this.verificationDir = dirs.verification;
    this.landings = new LandingJournal(dirs.landing);
    this.store.add(events.on('sessions:changed', (p) => this.onSessionChanged(p.sessionId)));
  }

  create(input: { projectId: string; title: string; description: string; labels: string[]; profileId: string | null }): Task {
    this.projectService.get(input.projectId);
    if (input.profileId) this.profiles.get(input.profileId);
    const now = this.clock();
    const last = this.db.select({ position: tasks.position }).from(tasks).where(and(eq(tasks.projectId, input.projectId), eq(tasks.column, 'backlog'), isNull(tasks.deletedAt))).orderBy(desc(tasks.position)).get();
    const row = this.db
      .insert(tasks)
      .values({ id: newId(), createdAt: now, updatedAt: now, projectId: input.projectId, profileId: input.profileId, title: input.title, description: input.description, labels: JSON.stringify(input.labels), column: 'backlog', position: (last?.position ?? 0) + 1 })
      .returning()
      .get();
    this.changed(row);
    return this.get(row.id);
  }

  list(projectId?: string): Task[] {
    const rows = this.db
      .select()
      .from(tasks)
      .where(projectId ? and(isNull(tasks.deletedAt), eq(tasks.projectId, projectId)) : isNull(tasks.deletedAt))
      .orderBy(asc(tasks.position))
      .all();
    return this.toTasks(rows);
  }

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

  update(id: string, changes: { title?: string | undefined; description?: string | undefined; labels?: string[] | undefined; profileId?: string | null | undefined }): Task {
    const row = this.row(id);
    if (changes.profileId) this.profiles.get(changes.profileId);
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

  remove(id: string): { id: string } {
    const row = this.row(id);
    const now = this.clock();
    this.write(row, { deletedAt: now });
    return { id };
  }

  /** Creates the task's worktree and starts its agent with the task as the prompt. */
  async start(id: string): Promise<Task> {
    const row = this.row(id);
    if (row.column !== 'backlog') throw new AppError('invalid_request', `This task is ${COLUMN_WORDS[row.column as TaskColumn]?.toLowerCase() ?? row.column}, not in the backlog`);
    const profileId = row.profileId ?? this.profiles.list().find((p) => p.kind === 'claude-code')?.id;
    if (!profileId) throw new AppError('invalid_request', 'Choose an agent profile for this task');
    const branch = `task/${slug(row.title)}-${row.id.slice(-6)}`;
    const prompt = row.description.trim() ? `${row.title}\n\n${row.description}` : row.title;
    const session = await this.sessionService.start({ projectId: row.projectId, profileId, newWorktree: { branch }, prompt, title: row.title, cols: 120, rows: 32 });
    const last = this.db.select({ position: tasks.position }).from(tasks).where(and(eq(tasks.projectId, row.projectId), eq(tasks.column, 'in_progress'))).orderBy(desc(tasks.position)).get();
    this.write(this.row(id), { column: 'in_progress', position: (last?.position ?? 0) + 1, sessionId: session.id, worktreeId: session.worktreeId, profileId });
    return this.get(id);
  }

  /** Lands the task's branch on the base, then removes its worktree. Refusals leave everything as it was. */
  approve(id: string, strategy: MergeStrategy | undefined, message: string | undefined): Promise<Task> {
    return this.gate.run(id, () => this.approveNow(id, strategy, message));
  }

  private async approveNow(id: string, strategy: MergeStrategy | undefined, message: string | undefined): Promise<Task> {
    const row = this.row(id);
    if (row.column !== 'waiting_approval') throw new AppError('invalid_request', `Only a task waiting for approval can be approved (this one is ${(COLUMN_WORDS[row.column as TaskColumn] ?? row.column).toLowerCase()})`);
    if (!row.worktreeId) throw new AppError('invalid_request', 'This task has no worktree to merge');
    const project = this.projectService.get(row.projectId);
    const wt = this.worktreeService.get(row.worktreeId);
    const chosen = strategy ?? project.config.mergeStrategy;
    if (row.sessionId && !isFinished(this.sessionService.get(row.sessionId).status)) await this.sessionService.stop(row.sessionId);
    await commitAll(wt.path, `${row.title} (uncommitted agent work, saved by Pitwall)`, await copiedFiles(wt.path));
    const base = project.config.baseBranch;
    const baseBefore = await gitProbe(project.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${base}^{commit}`]);
    // Noted before git touches the base: a crash from here on is settled at the next start.
    if (baseBefore) this.landings.begin({ taskId: id, repo: project.path, base, branch: wt.branch, strategy: chosen, baseBefore, startedAt: this.clock() });
    let tip: string;
    try {
      tip = await landBranch({
        repo: project.path,
        base,
        branch: wt.branch,
        branchWorktree: wt.path,
        strategy: chosen,
        message: message?.trim() || `${row.title}\n\nApproved in Pitwall (task ${row.id}).`,
      });
    } catch (error) {
      this.landings.end(id);
      this.write(this.row(id), { gateDetail: `Not merged: ${messageOf(error)}` });
      throw error;
    }
    this.write(this.row(id), { column: 'verified', approvedBy: 'user', approvedAt: this.clock(), gateDetail: `Merged into ${base} (${chosen}) as ${tip.slice(0, 10)}` });
    this.landings.end(id);
    // The merge stands whatever happens to the clean-up; a removal that fails is said and retried at the next start.
    await this.cleanUpAfterMerge(id);
    return this.get(id);
  }

  /** Removes a merged task's worktree (and its branch when the project says so); a failure is noted on the task, not thrown. */
  private async cleanUpAfterMerge(id: string, note = ''): Promise<void> {
    const row = this.row(id);
    if (!row.worktreeId) return;
    const project = this.projectService.get(row.projectId);
    const wt = this.worktreeService.find(row.worktreeId);
    if (!wt || wt.status === 'removed') return;
    const merged = (row.gateDetail ?? '').replace(/\. The worktree could not be removed.*$/s, '');
    try {
      await this.worktreeService.remove(wt.id, false);
    } catch (error) {
      this.write(this.row(id), { gateDetail: `${merged}. The worktree could not be removed (${messageOf(error)}); Pitwall tries again at its next start.` });
      return;
    }
    if (project.config.deleteBranchOnMerge) await gitProbe(project.path, ['branch', '-D', wt.branch]);
    if (note || merged !== row.gateDetail) this.write(this.row(id), { gateDetail: `${merged}${note}` });
  }

  /**
   * The start-up sweep for what a crash left half done in the gate: a merge begun and not recorded
   * (finished when git has it, rolled back otherwise), a merged task's worktree still there
   * (removed again), and a verification still `running` (recorded as interrupted and run again).
   * Every task's part runs in its gate queue, so nothing else acts on it meanwhile.
   */
  recover(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.recovering ??= this.recoverAll().catch((error: unknown) => console.error('[tasks] the start-up sweep failed', error));
    return this.recovering;
  }

  private async recoverAll(): Promise<void> {
    const each = async (taskId: string, what: string, step: () => Promise<void>): Promise<void> => {
      try {
        if (!this.disposed) await this.gate.run(taskId, step);
      } catch (error) {
        console.error(`[tasks] ${what} for task ${taskId} failed at start-up`, error);
      }
    };
    for (const landing of this.landings.left()) await each(landing.taskId, 'settling a merge', () => this.settleLanding(landing));
    const merged = this.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.column, 'verified'), isNull(tasks.deletedAt), eq(tasks.approvedBy, 'user')))
      .all();
    for (const { id } of merged) await each(id, 'removing the merged worktree', () => this.cleanUpAfterMerge(id, '; its worktree was removed at start-up'));
    const interrupted = this.db.select().from(verificationRuns).where(eq(verificationRuns.status, 'running')).all();
    for (const run of interrupted) await each(run.taskId, 'finishing a verification', () => this.redoVerification(run));
  }

  /** A merge a crash interrupted: finished when the base holds it, rolled back (nothing to undo in git) when it does not. */
  private async settleLanding(landing: Landing): Promise<void> {
    const row = this.db.select().from(tasks).where(eq(tasks.id, landing.taskId)).get();
    if (!row || row.deletedAt !== null || row.column === 'verified') {
      this.landings.end(landing.taskId);
      return;
    }
    // Where the base was checked out nowhere, the merge happened in a scratch checkout: it goes either way.
    await removeScratchCheckouts(landing.repo, landing.base);
    const now = await gitProbe(landing.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${landing.base}^{commit}`]);
    const expected = await mergeTree(landing.repo, landing.baseBefore, landing.branch).catch(() => null);
    let landed = false;
    if (now && now !== landing.baseBefore) {
      const tree = await gitProbe(landing.repo, ['rev-parse', `${now}^{tree}`]);
      landed = expected !== null && expected.conflicts.length === 0 && tree === expected.tree;
    }
    if (landed) {
      this.write(row, {
        column: 'verified',
        approvedBy: 'user',
        approvedAt: landing.startedAt,
        gateDetail: `Merged into ${landing.base} (${landing.strategy}) as ${now!.slice(0, 10)}; Pitwall stopped before recording it and finished at start-up`,
      });
    } else {
      let why = now === landing.baseBefore ? 'nothing was merged' : `${landing.base} changed meanwhile without this task's work`;
      if (now === landing.baseBefore && expected) why += await undoHalfMerge(landing.repo, landing.base, expected.tree);
      this.write(row, { gateDetail: `Pitwall stopped while merging this task; ${why}. Approve it again when ready.` });
    }
    this.landings.end(landing.taskId);
  }

  /** A verification a crash cut short: recorded as interrupted, then run again while the task still waits for review. */
  private async redoVerification(run: RunRow): Promise<void> {
    const now = this.clock();
    this.db
      .update(verificationRuns)
      .set({ status: 'failed', exitCode: null, outputTail: 'Pitwall stopped while this verification ran; it was run again at start-up.', updatedAt: now, version: run.version + 1 })
      .where(eq(verificationRuns.id, run.id))
      .run();
    const row = this.db.select().from(tasks).where(eq(tasks.id, run.taskId)).get();
    if (!row || row.deletedAt !== null) return;
    this.changed(row);
    if (row.column !== 'waiting_approval' || !row.worktreeId) return;
    const project = this.projectService.get(row.projectId);
    const wt = this.worktreeService.find(row.worktreeId);
    if (project.config.verifyCommand && wt?.status === 'active') await this.verify(row.id, project.config.verifyCommand, wt.path);
  }

  /** Whether "open a pull request" can replace the local merge: `gh` is installed and the repository has a GitHub remote. */
  async pullRequestOption(id: string): Promise<{ available: boolean; reason: string }> {
    const project = this.projectService.get(this.row(id).projectId);
    const remote = await githubRemote(project.path);
    if (!remote) return { available: false, reason: 'The repository has no GitHub remote' };
    try {
      resolveCommand('gh', await this.userEnv.path(), 'https://cli.github.com');
    } catch {
      return { available: false, reason: 'The GitHub CLI (gh) is not installed' };
    }
    return { available: true, reason: `Opens a pull request on ${remote.slug}` };
  }

  /** Pushes the task's branch and opens a pull request with `gh`; the task then waits for the PR, and its worktree stays. */
  async openPullRequest(id: string): Promise<Task> {
    const row = this.row(id);
    if (!row.worktreeId) throw new AppError('invalid_request', 'This task has no branch to open a pull request for');
    const project = this.projectService.get(row.projectId);
    const remote = await githubRemote(project.path);
    if (!remote) throw new AppError('invalid_request', 'The repository has no GitHub remote');
    const gh = resolveCommand('gh', await this.userEnv.path(), 'https://cli.github.com');
    const wt = this.worktreeService.get(row.worktreeId);
    await commitAll(wt.path, `${row.title} (uncommitted agent work, saved by Pitwall)`, await copiedFiles(wt.path));
    await pushBranch(project.path, remote.remote, wt.branch);
    const body = `${row.description}

Opened from Pitwall (task ${row.id}).`.trim();
    const url = await new Promise<string>((resolve, reject) => {
      execFile(gh, ['pr', 'create', '--repo', remote.slug, '--base', project.config.baseBranch, '--head', wt.branch, '--title', row.title, '--body', body], { cwd: wt.path, timeout: 120_000 }, (error, stdout, stderr) => {
        if (error) reject(new AppError('git_failed', `gh pr create failed: ${(stderr || error.message).trim().split('\n')[0]}`));
        else resolve(stdout.trim().split('\n').pop() ?? '');
      });
    });
    this.write(this.row(id), { gateDetail: `Pull request opened: ${url}` });
    return this.get(id);
  }

  /** Sends the reason to the agent as its next prompt and puts the task back in progress. */
  reject(id: string, reason: string): Promise<Task> {
    return this.gate.run(id, () => this.rejectNow(id, reason));
  }

  private async rejectNow(id: string, reason: string): Promise<Task> {
    const row = this.row(id);
    if (!row.sessionId) throw new AppError('invalid_request', 'This task has no agent session to send the reason to');
    const session = this.sessionService.get(row.sessionId);
    this.write(row, { column: 'in_progress', rejectionCount: row.rejectionCount + 1, gateDetail: `Sent back: ${reason}` });
    if (session.status === 'running') await this.sessionService.input(session.id, `${reason}\r`);
    else await this.sessionService.restart(session.id, reason);
    return this.get(id);
  }

  verifications(taskId: string): Verification[] {
    return this.db.select().from(verificationRuns).where(eq(verificationRuns.taskId, taskId)).orderBy(desc(verificationRuns.createdAt)).all().map(toVerification);
  }

  /** When the agent stops (Stop hook: idle, or its process ended), the task waits for a person. */
  private onSessionChanged(sessionId: string): void {
    const row = this.db.select().from(tasks).where(and(eq(tasks.sessionId, sessionId), eq(tasks.column, 'in_progress'), isNull(tasks.deletedAt))).get();
    if (!row) return;
    const session = this.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
    if (!session) return;
    const stopped = session.activity === 'idle' || isFinished(session.status as SessionStatus);
    if (stopped) this.gate.run(row.id, () => this.toWaitingApproval(row.id)).catch((error: unknown) => console.error('[tasks] moving to waiting_approval failed', error));
  }

  private async toWaitingApproval(id: string): Promise<void> {
    const row = this.row(id);
    if (row.column !== 'in_progress' || !row.worktreeId) return;
    const diff = await this.diffs.get(row.worktreeId);
    const summary = { files: diff.files.length, additions: diff.additions, deletions: diff.deletions };
    this.write(this.row(id), { column: 'waiting_approval', diffSummary: JSON.stringify(summary) });
    const project = this.projectService.get(row.projectId);
    if (project.config.verifyCommand) await this.verify(id, project.config.verifyCommand, this.worktreeService.get(row.worktreeId).path);
  }

  private async verify(taskId: string, command: string, cwd: string): Promise<void> {
    const now = this.clock();
    const run = this.db.insert(verificationRuns).values({ id: newId(), createdAt: now, updatedAt: now, taskId, command, status: 'running' }).returning().get();
    this.changed(this.row(taskId));
    const result = await runScript(command, cwd, undefined, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    ensurePrivateDir(this.verificationDir);
    const outputFile = path.join(this.verificationDir, `${run.id}.log`);
    writePrivateFile(outputFile, result.output);
    const done = this.clock();
    this.db
      .update(verificationRuns)
      .set({ status: result.exitCode === 0 ? 'passed' : 'failed', exitCode: result.exitCode, durationMs: done - now, outputFile, outputTail: result.output.split('\n').slice(-40).join('\n').slice(-4000), ...nextVersion(run, done) })
      .where(eq(verificationRuns.id, run.id))
      .run();
    this.changed(this.row(taskId));
  }

  private row(id: string): Row {
    const row = this.db.select().from(tasks).where(and(eq(tasks.id, id), isNull(tasks.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No task with id ${id}`);
    return row;
  }

  private write(row: Row, changes: Partial<Row>): Row {
    const next = this.db.update(tasks).set({ ...changes, ...nextVersion(row, this.clock()) }).where(eq(tasks.id, row.id)).returning().get();
    this.changed(next);
    return next;
  }

  private changed(row: Row): void {
    this.events.emit('tasks:changed', { taskId: row.id, projectId: row.projectId });
  }

  private toTasks(rows: Row[]): Task[] {
    const ids = (pick: (r: Row) => string | null) => [...new Set(rows.map(pick).filter((x): x is string => x !== null))];
    const projectIds = ids((r) => r.projectId);
    const worktreeIds = ids((r) => r.worktreeId);
    const sessionIds = ids((r) => r.sessionId);
    const names = new Map(projectIds.length ? this.db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, projectIds)).all().map((p) => [p.id, p.name]) : []);
    const branches = new Map(worktreeIds.length ? this.db.select({ id: worktrees.id, branch: worktrees.branch }).from(worktrees).where(inArray(worktrees.id, worktreeIds)).all().map((w) => [w.id, w.branch]) : []);
    const statuses = new Map(sessionIds.length ? this.db.select({ id: sessions.id, status: sessions.status }).from(sessions).where(inArray(sessions.id, sessionIds)).all().map((s) => [s.id, s.status]) : []);
    // Each task's latest verification, in one query rather than one per task, reading only the latest
    // (the task + time index answers the max); runs started in the same millisecond resolve to one.
    const latestRun = new Map<string, RunRow>();
    const taskIds = rows.map((r) => r.id);
    if (taskIds.length > 0) {
      const latestTime = sql`(SELECT max(v2.created_at) FROM verification_runs v2 WHERE v2.task_id = ${verificationRuns.taskId})`;
      const runs = this.db
        .select()
        .from(verificationRuns)
        .where(and(inArray(verificationRuns.taskId, taskIds), eq(verificationRuns.createdAt, latestTime)))
        .all();
      // Ids are UUIDv7, so the greater one of a tie was made later.
      for (const run of runs) if ((latestRun.get(run.taskId)?.id ?? '') < run.id) latestRun.set(run.taskId, run);
    }
    return rows.map((r) => {
      const latest = latestRun.get(r.id);
      return {
        id: r.id,
        projectId: r.projectId,
        projectName: names.get(r.projectId) ?? null,
        profileId: r.profileId,
        worktreeId: r.worktreeId,
        branch: r.worktreeId ? (branches.get(r.worktreeId) ?? null) : null,
        sessionId: r.sessionId,
        sessionStatus: r.sessionId ? (statuses.get(r.sessionId) ?? null) : null,
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
        verification: latest ? toVerification(latest) : null,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  /** Resolves when no gate step (moving to review, verifying, approving, rejecting) is running. */
  settled(): Promise<void> {
    return this.gate.idle();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopping.abort();
    await this.store.dispose();
    await this.recovering;
    // A verify command or a merge under way finishes its write before the database closes.
    await this.gate.idle();
  }
}

function toVerification(r: RunRow): Verification {
  return {
    id: r.id,
    command: r.command,
    status: r.status === 'passed' || r.status === 'failed' ? r.status : 'running',
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    outputTail: r.outputTail,
    outputFile: r.outputFile,
    createdAt: r.createdAt,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Where git was stopped inside a merge (in a hook, before the commit), the checkout holding the
 * base has the merge staged. Undone only when the staged tree is exactly that merge's, so no
 * change of the user's is touched; answers words for the task's note.
 */
async function undoHalfMerge(repo: string, base: string, mergedTree: string): Promise<string> {
  const holder = (await listWorktrees(repo).catch(() => [])).find((w) => w.branch === base && !w.bare);
  if (!holder) return '';
  const staged = await gitProbe(holder.path, ['write-tree']);
  const head = await gitProbe(holder.path, ['rev-parse', 'HEAD^{tree}']);
  if (staged === null || staged === head) return '';
  if (staged !== mergedTree) return `, but ${holder.path} has staged changes: check them before approving again`;
  await gitProbe(holder.path, ['merge', '--abort']);
  const reset = await gitProbe(holder.path, ['reset', '--quiet', '--merge']);
  return reset === null ? `, but the half-made merge in ${holder.path} could not be undone: check it` : ` (the half-made merge in ${holder.path} was undone)`;
}
