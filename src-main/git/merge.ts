import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-common/result';
import { gitExec, gitFailureReason, gitOutput, gitProbe, gitRaw } from './git';
import { excludePathspecs } from './untracked';
import { listWorktrees, removeWorktree } from './worktree';

const SCRATCH_PREFIX = 'pitwall-land-';

/** True for the scratch checkout {@link landBranch} makes when the base is checked out nowhere. */
function isScratchCheckout(checkout: string): boolean {
  return path.basename(checkout) === 'base' && path.basename(path.dirname(checkout)).startsWith(SCRATCH_PREFIX);
}

/** Removes scratch checkouts of `base` a crash left behind (registered in git, in a temp folder), with their folders. */
export async function removeScratchCheckouts(repo: string, base: string): Promise<void> {
  for (const entry of await listWorktrees(repo).catch(() => [])) {
    if (entry.branch !== base || !isScratchCheckout(entry.path)) continue;
    await removeWorktree(repo, entry.path, true).catch(() => undefined);
    fs.rmSync(path.dirname(entry.path), { recursive: true, force: true });
  }
  await gitProbe(repo, ['worktree', 'prune']);
}

/** How an approved branch lands on its base. */
export type MergeStrategy = 'merge' | 'squash' | 'rebase';

/** The tree merging `branch` into `base` would make, and the files that would conflict (none: it merges cleanly). Touches nothing. */
export async function mergeTree(repo: string, base: string, branch: string): Promise<{ tree: string; conflicts: string[] }> {
  const { code, stdout, stderr } = await gitExec(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', base, branch]);
  // Exit 0 or 1: the tree id, then (on 1) one conflicted path per entry. Anything else is a failure.
  if (code !== 0 && code !== 1) throw new AppError('git_failed', `git merge-tree failed: ${gitFailureReason(stderr) || `exit ${code}`}`);
  const [tree = '', ...paths] = stdout.split('\0');
  return { tree: tree.trim(), conflicts: code === 0 ? [] : [...new Set(paths.filter(Boolean))] };
}

/** Files that would conflict if `branch` were merged into `base` now (empty: it merges cleanly). Touches nothing. */
export async function conflictingFiles(repo: string, base: string, branch: string): Promise<string[]> {
  return (await mergeTree(repo, base, branch)).conflicts;
}

/** Tracked files with staged or unstaged changes (untracked ones do not block a merge by themselves). */
export async function trackedChanges(checkout: string): Promise<string[]> {
  const out = await gitOutput(checkout, ['status', '--porcelain=v1', '-z', '--untracked-files=no']);
  const fields = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length <= 3) continue;
    paths.push(field.slice(3));
    // A rename or copy carries its old name as the next field.
    if (field[0] === 'R' || field[0] === 'C') i++;
  }
  return paths;
}

/**
 * Untracked (not ignored) files in `checkout` that landing `tree` on `base` would overwrite: git
 * refuses such a merge, so they are named before anything is touched.
 */
export async function untrackedInTheWay(checkout: string, base: string, tree: string): Promise<string[]> {
  const [changed, untracked] = await Promise.all([
    gitOutput(checkout, ['diff', '--name-only', '-z', '--no-renames', base, tree]),
    gitOutput(checkout, ['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  const incoming = changed.split('\0').filter(Boolean);
  const inTheWay = untracked
    .split('\0')
    .filter(Boolean)
    .filter((p) => incoming.some((f) => f === p || p.startsWith(`${f}/`) || f.startsWith(`${p}/`)));
  return [...new Set(inTheWay)].sort();
}

function listed(files: string[]): string {
  return `${files.slice(0, 8).join(', ')}${files.length > 8 ? `, and ${files.length - 8} more` : ''}`;
}

/**
 * Commits whatever is uncommitted in a worktree (so nothing is lost by merging or removing it),
 * except the paths in `keepOut` (files Pitwall copied in, such as `.env`). Returns true when it committed.
 */
export async function commitAll(worktree: string, message: string, keepOut: readonly string[] = []): Promise<boolean> {
  await gitRaw(worktree, ['add', '--all', '--', '.', ...(await excludePathspecs(worktree, keepOut))]);
  if ((await gitRaw(worktree, ['diff', '--cached', '--name-only'])) === '') return false;
  const env: Record<string, string> = (await gitProbe(worktree, ['config', 'user.email'])) ? {} : { GIT_AUTHOR_NAME: 'Pitwall', GIT_AUTHOR_EMAIL: 'pitwall@localhost', GIT_COMMITTER_NAME: 'Pitwall', GIT_COMMITTER_EMAIL: 'pitwall@localhost' };
  await gitRaw(worktree, ['commit', '--quiet', '--no-verify', '-m', message], env);
  return true;
}

/** Options for {@link landBranch}. */
export interface LandOptions {
  repo: string;
  base: string;
  branch: string;
  /** The worktree that has `branch` checked out (rebase happens there). */
  branchWorktree: string;
  strategy: MergeStrategy;
  message: string;
}

/**
 * Lands `branch` on `base`. Refuses, touching nothing, when it would conflict (naming the files)
 * or when `base` is checked out in a checkout with uncommitted changes. Where `base` is checked
 * out, the merge happens there; otherwise in a scratch worktree. Returns the new tip of `base`.
 */
export async function landBranch(options: LandOptions): Promise<string> {
  const { repo, base, branch, strategy, message } = options;
  const { tree, conflicts } = await mergeTree(repo, base, branch);
  if (conflicts.length > 0) {
    throw new AppError('conflict', `${branch} conflicts with ${base} in ${conflicts.join(', ')}; resolve it in the worktree or ask the agent to rebase`);
  }
  const holder = (await listWorktrees(repo)).find((w) => w.branch === base && !w.bare);
  let checkout: string;
  let scratch: string | null = null;
  if (holder) {
    const dirty = await trackedChanges(holder.path);
    if (dirty.length > 0) {
      throw new AppError('dirty_worktree', `${base} is checked out in ${holder.path} with uncommitted changes (${listed(dirty)}); commit or stash them first`);
    }
    const inTheWay = await untrackedInTheWay(holder.path, base, tree);
    if (inTheWay.length > 0) {
      throw new AppError('dirty_worktree', `${base} is checked out in ${holder.path}, where the merge would overwrite untracked files (${listed(inTheWay)}); move or remove them first`);
    }
    checkout = holder.path;
  } else {
    scratch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), SCRATCH_PREFIX)), 'base');
    await gitRaw(repo, ['worktree', 'add', '--quiet', '--', scratch, base]);
    checkout = scratch;
  }
  try {
    if (strategy === 'merge') {
      await gitRaw(checkout, ['merge', '--no-ff', '--no-edit', '-m', message, branch]);
    } else if (strategy === 'squash') {
      await gitRaw(checkout, ['merge', '--squash', branch]);
      if ((await gitRaw(checkout, ['diff', '--cached', '--name-only'])) === '') throw new AppError('invalid_request', `${branch} has nothing to merge into ${base}`);
      await gitRaw(checkout, ['commit', '--quiet', '--no-verify', '-m', message]);
    } else {
      try {
        await gitRaw(options.branchWorktree, ['rebase', '--quiet', base]);
      } catch (error) {
        await gitProbe(options.branchWorktree, ['rebase', '--abort']);
        throw error instanceof AppError ? error : new AppError('conflict', `Rebasing ${branch} onto ${base} failed`);
      }
      await gitRaw(checkout, ['merge', '--ff-only', branch]);
    }
    return await gitRaw(checkout, ['rev-parse', 'HEAD']);
  } catch (error) {
    // A failed merge must leave the checkout as it was.
    await gitProbe(checkout, ['merge', '--abort']);
    await gitProbe(checkout, ['reset', '--quiet', '--merge']);
    throw error;
  } finally {
    if (scratch) {
      await removeWorktree(repo, scratch, true).catch(() => undefined);
      fs.rmSync(path.dirname(scratch), { recursive: true, force: true });
    }
  }
}
