import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitProbe, gitRaw } from './git';
import { excludePathspecs } from './untracked';

/** The ref under which a worktree's uncommitted work is saved. */
export function snapshotRefName(worktreeId: string): string {
  return `refs/pitwall/snapshots/${worktreeId}`;
}

/**
 * Saves everything uncommitted in `worktree` (staged, unstaged and untracked, not ignored, but
 * the untracked `keepOut` paths: files Pitwall copied in) as a
 * commit whose parent is HEAD, stored under `ref`, without touching the worktree or its index.
 * Returns the commit id.
 */
export async function snapshotWorkingTree(worktree: string, ref: string, message: string, keepOut: readonly string[] = []): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    const head = await gitProbe(worktree, ['rev-parse', '--verify', 'HEAD']);
    if (head) await gitRaw(worktree, ['read-tree', 'HEAD'], env);
    await gitRaw(worktree, ['add', '--all', '--', '.', ...(await excludePathspecs(worktree, keepOut))], env);
    const tree = await gitRaw(worktree, ['write-tree'], env);
    const commitEnv = {
      ...env,
      GIT_AUTHOR_NAME: 'Pitwall',
      GIT_AUTHOR_EMAIL: 'pitwall@localhost',
      GIT_COMMITTER_NAME: 'Pitwall',
      GIT_COMMITTER_EMAIL: 'pitwall@localhost',
    };
    const commit = await gitRaw(worktree, ['commit-tree', tree, ...(head ? ['-p', head] : []), '-m', message], commitEnv);
    await gitRaw(worktree, ['update-ref', ref, commit]);
    return commit;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Puts a snapshot's files back into `worktree` as uncommitted changes (nothing staged): files the
 * snapshot deleted are deleted again, untracked files come back untracked.
 */
export async function restoreSnapshot(worktree: string, ref: string): Promise<void> {
  await gitRaw(worktree, ['restore', `--source=${ref}`, '--worktree', '--', '.']);
}
