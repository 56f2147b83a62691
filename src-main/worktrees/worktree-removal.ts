import { isFinished, type Session } from '../../src-common/domain/agent';
import type { Worktree } from '../../src-common/domain/worktree';
import { AppError } from '../../src-common/result';
import type { SessionService } from '../agents/session-service';
import type { WorktreeService } from './worktree-service';

/**
 * Removes a worktree without leaving an agent working on in a deleted folder: refused while a
 * session runs (or waits to start) there, unless the caller says to stop them first.
 */
export class WorktreeRemoval {
  constructor(
    private readonly worktrees: WorktreeService,
    private readonly sessions: SessionService,
  ) {}

  async remove(worktreeId: string, options: { force: boolean; stopAgents: boolean }): Promise<Worktree> {
    const worktree = this.worktrees.get(worktreeId);
    const live = this.liveSessions(worktree);
    if (live.length > 0 && !options.stopAgents) {
      const names = live.map((s) => `“${s.title ?? s.profileName ?? s.agentKind}”`).join(', ');
      const one = live.length === 1;
      // The fact only: the UI asks whether to stop and remove (stopAgents).
      throw new AppError('agent_running', `${names} ${one ? 'is' : 'are'} running in ${worktree.branch}`);
    }
    for (const session of live) await this.sessions.stop(session.id);
    return this.worktrees.remove(worktreeId, options.force);
  }

  private liveSessions(worktree: Worktree): Session[] {
    return this.sessions.list(worktree.projectId).filter((s) => s.worktreeId === worktree.id && !isFinished(s.status));
  }
}
