import { isFinished } from '../../src-common/domain/agent';
import { COLUMN_WORDS, type TaskColumn } from '../../src-common/domain/task';
import { AppError } from '../../src-common/result';
import type { SessionService } from '../agents/session-service';
import type { Clock } from '../clock';
import { gitProbe } from '../git/git';
import { commitAll, landBranch, mergeTree, removeScratchCheckouts, type MergeStrategy } from '../git/merge';
import { listWorktrees } from '../git/worktree';
import type { ProjectService } from '../projects/project-service';
import { copiedFiles } from '../worktrees/copied-files';
import type { WorktreeService } from '../worktrees/worktree-service';
import { LandingJournal, type Landing } from './landing-journal';
import type { TaskBoard } from './task-board';

/** What landing asks other services: the project's settings, the worktree, and the agent to stop. */
export interface TaskLandingDeps {
  board: TaskBoard;
  projects: Pick<ProjectService, 'get'>;
  worktrees: Pick<WorktreeService, 'get' | 'find' | 'remove'>;
  sessions: Pick<SessionService, 'get' | 'stop'>;
}

/**
 * Lands an approved task's branch on the base and removes its worktree; at start-up, settles a
 * merge a crash interrupted (the journal notes each one before git touches the base).
 */
export class TaskLanding {
  private readonly journal: LandingJournal;

  constructor(
    private readonly deps: TaskLandingDeps,
    journalDir: string,
    private readonly clock: Clock,
  ) {
    this.journal = new LandingJournal(journalDir);
  }

  /** Lands the task's branch on the base, then removes its worktree. Refusals leave everything as it was. */
  async approve(id: string, strategy: MergeStrategy | undefined, message: string | undefined): Promise<void> {
    const { board } = this.deps;
    const row = board.row(id);
    if (row.column !== 'waiting_approval') throw new AppError('invalid_request', `Only a task waiting for approval can be approved (this one is ${(COLUMN_WORDS[row.column as TaskColumn] ?? row.column).toLowerCase()})`);
    if (!row.worktreeId) throw new AppError('invalid_request', 'This task has no worktree to merge');
    const project = this.deps.projects.get(row.projectId);
    const wt = this.deps.worktrees.get(row.worktreeId);
    const chosen = strategy ?? project.config.mergeStrategy;
    if (row.sessionId && !isFinished(this.deps.sessions.get(row.sessionId).status)) await this.deps.sessions.stop(row.sessionId);
    await commitAll(wt.path, `${row.title} (uncommitted agent work, saved by Pitwall)`, await copiedFiles(wt.path));
    const base = project.config.baseBranch;
    const baseBefore = await gitProbe(project.path, ['rev-parse', '--verify', `refs/heads/${base}^{commit}`]);
    // Noted before git touches the base: a crash from here on is settled at the next start.
    if (baseBefore) this.journal.begin({ taskId: id, repo: project.path, base, branch: wt.branch, strategy: chosen, baseBefore, startedAt: this.clock() });
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
      this.journal.end(id);
      board.write(board.row(id), { gateDetail: `Not merged: ${messageOf(error)}` });
      throw error;
    }
    board.write(board.row(id), { column: 'verified', approvedBy: 'user', approvedAt: this.clock(), gateDetail: `Merged into ${base} (${chosen}) as ${tip.slice(0, 10)}` });
    this.journal.end(id);
    // The merge stands whatever happens to the clean-up; a removal that fails is said and retried at the next start.
    await this.cleanUp(id);
  }

  /** Removes a merged task's worktree (and its branch when the project says so); a failure is noted on the task, not thrown. */
  async cleanUp(id: string, note = ''): Promise<void> {
    const { board } = this.deps;
    const row = board.row(id);
    if (!row.worktreeId) return;
    const project = this.deps.projects.get(row.projectId);
    const wt = this.deps.worktrees.find(row.worktreeId);
    if (!wt || wt.status === 'removed') return;
    const merged = (row.gateDetail ?? '').replace(/\. The worktree could not be removed.*$/s, '');
    try {
      await this.deps.worktrees.remove(wt.id, false);
    } catch (error) {
      board.write(board.row(id), { gateDetail: `${merged}. The worktree could not be removed (${messageOf(error)}); Pitwall tries again at its next start.` });
      return;
    }
    if (project.config.deleteBranchOnMerge) await gitProbe(project.path, ['branch', '-D', wt.branch]);
    if (note || merged !== row.gateDetail) board.write(board.row(id), { gateDetail: `${merged}${note}` });
  }

  /** The merges a crash left unrecorded. */
  interrupted(): Landing[] {
    return this.journal.left();
  }

  /** A merge a crash interrupted: finished when the base holds it, rolled back (nothing to undo in git) when it does not. */
  async settle(landing: Landing): Promise<void> {
    const { board } = this.deps;
    const row = board.find(landing.taskId);
    if (!row || row.deletedAt !== null || row.column === 'verified') {
      this.journal.end(landing.taskId);
      return;
    }
    // Where the base was checked out nowhere, the merge happened in a scratch checkout: it goes either way.
    await removeScratchCheckouts(landing.repo, landing.base);
    const now = await gitProbe(landing.repo, ['rev-parse', '--verify', `refs/heads/${landing.base}^{commit}`]);
    const expected = await mergeTree(landing.repo, landing.baseBefore, landing.branch).catch(() => null);
    let landed = false;
    if (now && now !== landing.baseBefore) {
      const tree = await gitProbe(landing.repo, ['rev-parse', `${now}^{tree}`]);
      landed = expected !== null && expected.conflicts.length === 0 && tree === expected.tree;
    }
    if (landed) {
      board.write(row, {
        column: 'verified',
        approvedBy: 'user',
        approvedAt: landing.startedAt,
        gateDetail: `Merged into ${landing.base} (${landing.strategy}) as ${now!.slice(0, 10)}; Pitwall stopped before recording it and finished at start-up`,
      });
    } else {
      let why = now === landing.baseBefore ? 'nothing was merged' : `${landing.base} changed meanwhile without this task's work`;
      if (now === landing.baseBefore && expected) why += await undoHalfMerge(landing.repo, landing.base, expected.tree);
      board.write(row, { gateDetail: `Pitwall stopped while merging this task; ${why}. Approve it again when ready.` });
    }
    this.journal.end(landing.taskId);
  }
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
