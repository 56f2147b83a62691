import { gitRaw } from './git';

/**
 * Files in the checkout that git does not track (ignored ones included, ignored folders collapsed
 * to `dir/`): the candidates for copying into a new worktree, such as `.env`.
 */
export async function untrackedFiles(root: string): Promise<string[]> {
  const [ignored, untracked] = await Promise.all([
    gitRaw(root, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']),
    gitRaw(root, ['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  const all = new Set([...ignored.split('\0'), ...untracked.split('\0')].filter((p) => p.length > 0));
  return [...all].sort();
}
