import fs from 'node:fs';
import path from 'node:path';
import { gitProbe } from '../git/git';
import { deleteBranchAt, listWorktrees, pruneWorktrees, removeWorktree } from '../git/worktree';

/** What a crash during `create` left of one worktree. */
export interface HalfMade {
  /** git has the worktree, checked out on its branch, with no lock left by an unfinished `git worktree add`. */
  complete: boolean;
  registered: boolean;
  branchSha: string | null;
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Looks at what git and the disk hold for a worktree whose creation never finished. */
export async function inspectCreation(repo: string, worktree: { path: string; branch: string }): Promise<HalfMade> {
  const entries = await listWorktrees(repo).catch(() => []);
  const entry = entries.find((e) => realpathOr(e.path) === realpathOr(worktree.path));
  const branchSha = await gitProbe(repo, ['rev-parse', '--verify', `refs/heads/${worktree.branch}^{commit}`]);
  const complete =
    entry !== undefined && !entry.prunable && entry.locked === null && entry.branch === worktree.branch && branchSha !== null && fs.existsSync(path.join(worktree.path, '.git'));
  return { complete, registered: entry !== undefined, branchSha };
}

/** True when a folder is empty, or is a checkout linked to `repo` (its `.git` file points into it). */
function madeByGit(folder: string, repo: string): boolean {
  try {
    const names = fs.readdirSync(folder);
    if (names.length === 0) return true;
    const link = fs.readFileSync(path.join(folder, '.git'), 'utf8');
    const gitdir = /^gitdir: (.+)$/m.exec(link)?.[1]?.trim();
    return gitdir !== undefined && realpathOr(gitdir).startsWith(`${realpathOr(path.join(repo, '.git'))}${path.sep}`);
  } catch {
    return false;
  }
}

/**
 * Removes what a crashed creation half made: the worktree (even locked), its folder when git
 * made it, and the branch when it still points where it was started (it has no work of its
 * own). Answers notes on anything deliberately left in place.
 */
export async function rollBackCreation(repo: string, worktree: { path: string; branch: string; baseRef: string }, found: HalfMade): Promise<string[]> {
  const notes: string[] = [];
  if (found.registered) await removeWorktree(repo, worktree.path, true).catch(() => undefined);
  if (fs.existsSync(worktree.path)) {
    if (madeByGit(worktree.path, repo)) fs.rmSync(worktree.path, { recursive: true, force: true });
    else notes.push(`${worktree.path} was left in place: it holds files Pitwall did not make`);
  }
  await pruneWorktrees(repo).catch(() => undefined);
  if (found.branchSha) {
    const base = await gitProbe(repo, ['rev-parse', '--verify', `${worktree.baseRef}^{commit}`]);
    if (base === found.branchSha) await deleteBranchAt(repo, worktree.branch, found.branchSha).catch(() => notes.push(`Branch ${worktree.branch} could not be deleted`));
    else notes.push(`Branch ${worktree.branch} was kept: it no longer points where it was started`);
  }
  return notes;
}
