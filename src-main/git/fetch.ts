import { gitRaw } from './git';

/** Fetches one branch from a remote so a new worktree starts from what the team has. */
export async function fetchBranch(root: string, remote: string, branch: string): Promise<void> {
  await gitRaw(root, ['fetch', '--quiet', '--no-tags', remote, `refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
}
