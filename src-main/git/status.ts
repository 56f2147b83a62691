import type { WorktreeGitStatus } from '../../src-common/domain/worktree';
import { gitOutput, gitProbe } from './git';
import { currentBranch } from './repository';

/** Paths with staged, unstaged or untracked changes, from `git status --porcelain -z`; untracked paths under `keepOut` are not changes. */
export async function changedPaths(worktree: string, keepOut: readonly string[] = []): Promise<string[]> {
  const out = await gitOutput(worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const paths: string[] = [];
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    if (!(field.startsWith('??') && isUnder(field.slice(3), keepOut))) paths.push(field.slice(3));
    // Renames and copies carry the old path as the next field.
    if (field[0] === 'R' || field[0] === 'C') i++;
  }
  return paths;
}

/** True when `file` is one of `paths` or inside one of them. */
export function isUnder(file: string, paths: readonly string[]): boolean {
  return paths.some((p) => file === p || file.startsWith(`${p}/`));
}

/** HEAD, dirty file count (not counting the untracked `keepOut` paths) and ahead/behind against `baseRef` for one worktree. */
export async function readWorktreeStatus(worktree: string, baseRef: string, keepOut: readonly string[] = []): Promise<WorktreeGitStatus> {
  const [headSha, dirty, branch] = await Promise.all([
    gitProbe(worktree, ['rev-parse', '--verify', 'HEAD']),
    changedPaths(worktree, keepOut),
    currentBranch(worktree),
  ]);
  let ahead = 0;
  let behind = 0;
  const counts = headSha ? await gitProbe(worktree, ['rev-list', '--left-right', '--count', `${baseRef}...HEAD`]) : null;
  if (counts) {
    const [b, a] = counts.split(/\s+/).map(Number);
    behind = b ?? 0;
    ahead = a ?? 0;
  }
  return { headSha, dirtyCount: dirty.length, ahead, behind, currentBranch: branch };
}
