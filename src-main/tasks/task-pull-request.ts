import { execFile } from 'node:child_process';
import { AppError } from '../../src-common/result';
import { resolveCommand } from '../agents/command-resolver';
import type { UserEnvironment } from '../agents/user-environment';
import { githubRemote, pushBranch } from '../git/github';
import { commitAll } from '../git/merge';
import type { ProjectService } from '../projects/project-service';
import { copiedFiles } from '../worktrees/copied-files';
import type { WorktreeService } from '../worktrees/worktree-service';
import type { TaskBoard } from './task-board';

/** Opening a pull request with `gh` in place of the local merge. */
export class TaskPullRequests {
  constructor(
    private readonly board: TaskBoard,
    private readonly projects: Pick<ProjectService, 'get'>,
    private readonly worktrees: Pick<WorktreeService, 'get'>,
    private readonly userEnv: UserEnvironment,
  ) {}

  /** Whether "open a pull request" can replace the local merge: `gh` is installed and the repository has a GitHub remote. */
  async option(id: string): Promise<{ available: boolean; reason: string }> {
    const project = this.projects.get(this.board.row(id).projectId);
    const remote = await githubRemote(project.path);
    if (!remote) return { available: false, reason: 'The repository has no GitHub remote' };
    try {
      resolveCommand('gh', await this.userEnv.path(), 'https://cli.github.com');
    } catch {
      return { available: false, reason: 'The GitHub CLI (gh) is not installed' };
    }
    return { available: true, reason: `Opens a pull request on ${remote.slug}` };
  }

  /** Pushes the task's branch and opens a pull request; the task then waits for the PR, and its worktree stays. */
  async open(id: string): Promise<void> {
    const row = this.board.row(id);
    if (!row.worktreeId) throw new AppError('invalid_request', 'This task has no branch to open a pull request for');
    const project = this.projects.get(row.projectId);
    const remote = await githubRemote(project.path);
    if (!remote) throw new AppError('invalid_request', 'The repository has no GitHub remote');
    const gh = resolveCommand('gh', await this.userEnv.path(), 'https://cli.github.com');
    const wt = this.worktrees.get(row.worktreeId);
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
    this.board.write(this.board.row(id), { gateDetail: `Pull request opened: ${url}` });
  }
}
