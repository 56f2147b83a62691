import { gitRaw } from './git';

/** One entry of `git worktree list --porcelain`. */
export interface GitWorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  prunable: boolean;
  /** The lock reason (`initializing` while `git worktree add` runs), '' when locked without one, null when not locked. */
  locked: string | null;
}

/** Parses `git worktree list --porcelain -z` output. */
export function parseWorktreeList(output: string): GitWorktreeEntry[] {
  const entries: GitWorktreeEntry[] = [];
  let current: GitWorktreeEntry | null = null;
  for (const field of output.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, head: null, branch: null, bare: false, detached: false, prunable: false, locked: null };
    } else if (current) {
      if (key === 'HEAD') current.head = value;
      else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') current.bare = true;
      else if (key === 'detached') current.detached = true;
      else if (key === 'prunable') current.prunable = true;
      else if (key === 'locked') current.locked = value;
    }
  }
  if (current) entries.push(current);
  return entries;
}

/** Every worktree git knows of, the main checkout first. */
export async function listWorktrees(root: string): Promise<GitWorktreeEntry[]> {
  return parseWorktreeList(await gitRaw(root, ['worktree', 'list', '--porcelain', '-z']));
}

/** Creates `branch` at `startPoint` and checks it out in a new worktree at `path`. */
export async function addWorktreeWithNewBranch(root: string, path: string, branch: string, startPoint: string): Promise<void> {
  // `--` keeps path and start point from ever being read as options.
  await gitRaw(root, ['worktree', 'add', '--no-track', '-b', branch, '--', path, startPoint]);
}

/** Checks out an existing branch in a new worktree at `path`. */
export async function addWorktreeForBranch(root: string, path: string, branch: string): Promise<void> {
  await gitRaw(root, ['worktree', 'add', '--', path, branch]);
}

/** Removes a worktree; `force` discards its uncommitted changes (snapshot them first). */
export async function removeWorktree(root: string, path: string, force: boolean): Promise<void> {
  await gitRaw(root, ['worktree', 'remove', ...(force ? ['--force', '--force'] : []), '--', path]);
}

/** Forgets worktrees whose folders are gone. */
export async function pruneWorktrees(root: string): Promise<void> {
  await gitRaw(root, ['worktree', 'prune']);
}

/** Deletes a branch only if it still points at `sha` (a compare-and-swap, so newer work is never lost). */
export async function deleteBranchAt(root: string, branch: string, sha: string): Promise<void> {
  await gitRaw(root, ['update-ref', '-d', `refs/heads/${branch}`, sha]);
}
