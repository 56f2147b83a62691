import { AppError } from '../../src-common/result';
import { gitExec, gitRaw } from './git';

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

/**
 * The `paths` git does not ignore in `root`, as `:(exclude,literal)` pathspecs: what an
 * `add --all` must be told to leave out (naming an ignored path there is an error).
 */
export async function excludePathspecs(root: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const { code, stdout, stderr } = await gitExec(root, ['check-ignore', '-z', '--stdin'], `${paths.join('\0')}\0`);
  // Exit 1: none of them is ignored.
  if (code !== 0 && code !== 1) throw new AppError('git_failed', `git check-ignore failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
  const ignored = new Set(stdout.split('\0').filter(Boolean));
  return paths.filter((p) => !ignored.has(p)).map((p) => `:(exclude,literal)${p}`);
}
