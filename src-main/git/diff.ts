import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiffFile } from '../../src-common/domain/diff';
import { gitBytes, gitProbe, gitRaw } from './git';
import { parseRawPatch } from './diff-parser';
import { excludePathspecs } from './untracked';

/** A worktree's changes against the merge-base with its base. */
export interface WorktreeChanges {
  mergeBase: string | null;
  files: DiffFile[];
}

/**
 * Everything in `worktree` that differs from where it left `baseRef`: committed, staged, unstaged
 * and untracked (not ignored) changes in one diff, but the untracked paths in `keepOut`. A scratch copy of the index takes `git add -A`,
 * so the worktree and its real index are never touched; the blobs that `add` writes go to a scratch
 * object folder (the repository's own is an alternate, read-only), so refreshes leave no loose objects.
 */
export async function worktreeChanges(worktree: string, baseRef: string, keepOut: readonly string[] = []): Promise<WorktreeChanges> {
  const mergeBase = await gitProbe(worktree, ['merge-base', baseRef, 'HEAD']);
  const [indexGitPath, objectsGitPath] = (await gitRaw(worktree, ['rev-parse', '--git-path', 'index', '--git-path', 'objects'])).split('\n');
  const indexPath = path.resolve(worktree, indexGitPath!);
  const objectsPath = path.resolve(worktree, objectsGitPath!);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-diff-'));
  const env = {
    GIT_INDEX_FILE: path.join(tmp, 'index'),
    GIT_OBJECT_DIRECTORY: path.join(tmp, 'objects'),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: alternateEntry(objectsPath),
  };
  try {
    fs.mkdirSync(env.GIT_OBJECT_DIRECTORY);
    if (fs.existsSync(indexPath)) {
      fs.copyFileSync(indexPath, env.GIT_INDEX_FILE);
      // Git trusts an entry whose file is older than the index file itself ("racy git"): a copy made
      // now would hide a same-size edit from the second the index was written. Keep the original's time.
      const { atime, mtime } = fs.statSync(indexPath);
      fs.utimesSync(env.GIT_INDEX_FILE, atime, mtime);
    }
    // What Pitwall's own commit would leave out (files it copied in) is no change of the branch.
    await gitRaw(worktree, ['add', '--all', '--', '.', ...(await excludePathspecs(worktree, keepOut))], env);
    // Against the merge-base, or the empty tree when there is none (an unrelated or empty history).
    const against = mergeBase ?? (await gitRaw(worktree, ['hash-object', '-t', 'tree', '/dev/null']));
    // One run gives both: NUL-separated records with the exact names (never quoted, padded or
    // ambiguous), then the patch for the hunks.
    const out = await gitBytes(
      worktree,
      ['-c', 'core.quotePath=true', 'diff', '--cached', '--raw', '-z', '--patch', '--find-renames', '--find-copies', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--unified=3', against],
      env,
    );
    return { mergeBase, files: parseRawPatch(out) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** One entry of GIT_ALTERNATE_OBJECT_DIRECTORIES: C-quoted when it holds the list separator or a quote, as git reads it. */
export function alternateEntry(dir: string): string {
  if (!dir.includes(path.delimiter) && !dir.startsWith('"')) return dir;
  return `"${dir.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
