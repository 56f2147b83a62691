import type { PitwallDb } from '../../db/client';
import { isFinished, type SessionStatus } from '../../src-common/domain/agent';
import { COLUMN_WORDS, type Task, type TaskColumn, type Verification } from '../../src-common/domain/task';
import { AppError } from '../../src-common/result';
import type { ProfileService } from '../agents/profile-service';
import type { SessionService } from '../agents/session-service';
import type { UserEnvironment } from '../agents/user-environment';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import type { MergeStrategy } from '../git/merge';
import { DisposableStore, type Disposable } from '../lifecycle';
import type { ProjectService } from '../projects/project-service';
import type { DiffService } from '../review/diff-service';
import { KeyedQueue } from '../worktrees/keyed-queue';
import type { WorktreeService } from '../worktrees/worktree-service';
import { TaskBoard } from './task-board';
import { TaskLanding } from './task-landing';
import { TaskPullRequests } from './task-pull-request';
import { TaskVerification, type VerificationRow } from './task-verification';

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'task';
}

/**
 * The task board and the human gate: a task starts an agent in its own worktree; when the agent
 * stops, the task waits for approval with its diff summary and the verify command's result;
 * approve lands the branch on the base, reject sends the reason back to the agent. The board,
 * the landing, the pull request and the verification are their own parts; this runs the gate.
 */
export class TaskService implements Disposable {
  private readonly store = new DisposableStore();
  /**
   * The gate's steps for one task run one at a time: each checks the task's column, awaits (a
   * diff, a verify command, a merge) and then writes, so two at once (an `idle` event and then
   * `exited`) would both pass the check and verify twice.
   */
  private readonly gate = new KeyedQueue();
  private readonly board: TaskBoard;
  private readonly verification: TaskVerification;
  private readonly landing: TaskLanding;
  private readonly pullRequests: TaskPullRequests;
  private recovering: Promise<void> | null = null;
  private disposed = false;
  /** Aborted on dispose: a verify command still running is killed, and left `running` for the next start's sweep to redo. */
  private readonly stopping = new AbortController();

  constructor(
    db: PitwallDb,
    events: EventBus,
    private readonly projectService: ProjectService,
    private readonly worktreeService: WorktreeService,
    private readonly profiles: ProfileService,
    private readonly sessionService: SessionService,
    private readonly diffs: DiffService,
    dirs: { verification: string; landing: string },
    userEnv: UserEnvironment,
    clock: Clock = systemClock,
  ) {
    this.verification = new TaskVerification(db, dirs.verification, clock, (taskId) => this.board.changed(this.board.row(taskId)));
    this.board = new TaskBoard(db, events, { projects: projectService, profiles, worktrees: worktreeService, sessions: sessionService, verification: this.verification }, clock);
    this.landing = new TaskLanding({ board: this.board, projects: projectService, worktrees: worktreeService, sessions: sessionService }, dirs.landing, clock);
    this.pullRequests = new TaskPullRequests(this.board, projectService, worktreeService, userEnv);
    this.store.add(events.on('sessions:changed', (p) => this.onSessionChanged(p.sessionId)));
  }

  /** Adds a card at the end of the project's backlog. */
  create(input: { projectId: string; title: string; description: string; labels: string[]; profileId: string | null }): Task {
    return this.board.create(input);
  }

  /** The cards, of one project or all, in board order. */
  list(projectId?: string): Task[] {
    return this.board.list(projectId);
  }

  /** One card. */
  get(id: string): Task {
    return this.board.get(id);
  }

  /** Tasks waiting for review, and the tasks these sessions work on (the status model reads these). */
  inReviewOrFor(sessionIds: string[]): Task[] {
    return this.board.inReviewOrFor(sessionIds);
  }

  /** Changes a card's words, labels or agent profile. */
  update(id: string, changes: { title?: string | undefined; description?: string | undefined; labels?: string[] | undefined; profileId?: string | null | undefined }): Task {
    return this.board.update(id, changes);
  }

  /** Moves a card to `index` within `column` (drag and drop, or keyboard). */
  move(id: string, column: TaskColumn, index: number): Task {
    return this.board.move(id, column, index);
  }

  /** Removes a card. */
  remove(id: string): { id: string } {
    return this.board.remove(id);
  }

  /** Creates the task's worktree and starts its agent with the task as the prompt. */
  async start(id: string): Promise<Task> {
    const row = this.board.row(id);
    if (row.column !== 'backlog') throw new AppError('invalid_request', `This task is ${COLUMN_WORDS[row.column as TaskColumn]?.toLowerCase() ?? row.column}, not in the backlog`);
    const profileId = row.profileId ?? this.profiles.list().find((p) => p.kind === 'claude-code')?.id;
    if (!profileId) throw new AppError('invalid_request', 'Choose an agent profile for this task');
    const branch = `task/${slug(row.title)}-${row.id.slice(-6)}`;
    const prompt = row.description.trim() ? `${row.title}\n\n${row.description}` : row.title;
    const session = await this.sessionService.start({ projectId: row.projectId, profileId, newWorktree: { branch }, prompt, title: row.title, cols: 120, rows: 32 });
    const position = this.board.lastPosition(row.projectId, 'in_progress', false) + 1;
    this.board.write(this.board.row(id), { column: 'in_progress', position, sessionId: session.id, worktreeId: session.worktreeId, profileId });
    return this.get(id);
  }

  /** Lands the task's branch on the base, then removes its worktree. Refusals leave everything as it was. */
  approve(id: string, strategy: MergeStrategy | undefined, message: string | undefined): Promise<Task> {
    return this.gate.run(id, async () => {
      await this.landing.approve(id, strategy, message);
      return this.get(id);
    });
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
    for (const landing of this.landing.interrupted()) await each(landing.taskId, 'settling a merge', () => this.landing.settle(landing));
    for (const id of this.board.mergedByUser()) await each(id, 'removing the merged worktree', () => this.landing.cleanUp(id, '; its worktree was removed at start-up'));
    for (const run of this.verification.interrupted()) await each(run.taskId, 'finishing a verification', () => this.redoVerification(run));
  }

  /** A verification a crash cut short: recorded as interrupted, then run again while the task still waits for review. */
  private async redoVerification(run: VerificationRow): Promise<void> {
    this.verification.markInterrupted(run);
    const row = this.board.find(run.taskId);
    if (!row || row.deletedAt !== null) return;
    this.board.changed(row);
    if (row.column !== 'waiting_approval' || !row.worktreeId) return;
    const project = this.projectService.get(row.projectId);
    const wt = this.worktreeService.find(row.worktreeId);
    if (project.config.verifyCommand && wt?.status === 'active') await this.verification.run(row.id, project.config.verifyCommand, wt.path, this.stopping.signal);
  }

  /** Whether "open a pull request" can replace the local merge: `gh` is installed and the repository has a GitHub remote. */
  pullRequestOption(id: string): Promise<{ available: boolean; reason: string }> {
    return this.pullRequests.option(id);
  }

  /** Pushes the task's branch and opens a pull request with `gh`; the task then waits for the PR, and its worktree stays. */
  async openPullRequest(id: string): Promise<Task> {
    await this.pullRequests.open(id);
    return this.get(id);
  }

  /** Sends the reason to the agent as its next prompt and puts the task back in progress. */
  reject(id: string, reason: string): Promise<Task> {
    return this.gate.run(id, () => this.rejectNow(id, reason));
  }

  private async rejectNow(id: string, reason: string): Promise<Task> {
    const row = this.board.row(id);
    if (!row.sessionId) throw new AppError('invalid_request', 'This task has no agent session to send the reason to');
    const session = this.sessionService.get(row.sessionId);
    this.board.write(row, { column: 'in_progress', rejectionCount: row.rejectionCount + 1, gateDetail: `Sent back: ${reason}` });
    if (session.status === 'running') await this.sessionService.input(session.id, `${reason}\r`);
    else await this.sessionService.restart(session.id, reason);
    return this.get(id);
  }

  /** A task's verification runs, newest first. */
  verifications(taskId: string): Verification[] {
    return this.verification.list(taskId);
  }

  /** When the agent stops (Stop hook: idle, or its process ended), the task waits for a person. */
  private onSessionChanged(sessionId: string): void {
    const row = this.board.inProgressFor(sessionId);
    if (!row) return;
    const session = this.sessionService.factsOf([sessionId]).get(sessionId);
    if (!session) return;
    const stopped = session.activity === 'idle' || isFinished(session.status as SessionStatus);
    if (stopped) this.gate.run(row.id, () => this.toWaitingApproval(row.id)).catch((error: unknown) => console.error('[tasks] moving to waiting_approval failed', error));
  }

  private async toWaitingApproval(id: string): Promise<void> {
    const row = this.board.row(id);
    if (row.column !== 'in_progress' || !row.worktreeId) return;
    const diff = await this.diffs.get(row.worktreeId);
    const summary = { files: diff.files.length, additions: diff.additions, deletions: diff.deletions };
    this.board.write(this.board.row(id), { column: 'waiting_approval', diffSummary: JSON.stringify(summary) });
    const project = this.projectService.get(row.projectId);
    if (project.config.verifyCommand) await this.verification.run(id, project.config.verifyCommand, this.worktreeService.get(row.worktreeId).path, this.stopping.signal);
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
