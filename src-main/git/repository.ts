import fs from 'node:fs';
import { AppError } from '../../src-common/result';
import { gitOutput, gitProbe } from './git';

/**
 * The top-level folder of the repository that holds `folder` (resolved through symlinks).
 * Throws `not_found` when the folder does not exist and `not_a_git_repository` when git says no.
 */
export async function repositoryRoot(folder: string): Promise<string> {
  let real: string;
  try {
    real = fs.realpathSync(folder);
  } catch {
    throw new AppError('not_found', `No folder at ${folder}`);
  }
  if (!fs.statSync(real).isDirectory()) throw new AppError('invalid_path', `${folder} is a file, not a folder`);
  const top = await gitProbe(real, ['rev-parse', '--show-toplevel']);
  if (!top) throw new AppError('not_a_git_repository', `${folder} is not a git repository (git rev-parse found none)`);
  const bare = await gitProbe(real, ['rev-parse', '--is-bare-repository']);
  if (bare === 'true') throw new AppError('not_a_git_repository', `${folder} is a bare repository; add a checkout instead`);
  return fs.realpathSync(top);
}

/**
 * Names of the repository's remotes: the `remote.<name>.*` keys of its configuration. Not `git remote`,
 * which prints nothing for a repository without one, and simple-git waits 50 ms after any command
 * that printed nothing (a repository's own configuration always holds `core.*` keys).
 */
export async function listRemotes(root: string): Promise<string[]> {
  const out = await gitOutput(root, ['config', '--list', '--name-only', '-z']);
  const names = new Set<string>();
  for (const key of out.split('\0')) {
    const match = /^remote\.(.+)\.[^.]+$/s.exec(key);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/** True when `ref` resolves to a commit. */
export async function refExists(root: string, ref: string): Promise<boolean> {
  return (await gitProbe(root, ['rev-parse', '--verify', `${ref}^{commit}`])) !== null;
}

/** The branch checked out in `root`, or null when HEAD is detached. */
export async function currentBranch(root: string): Promise<string | null> {
  return gitProbe(root, ['symbolic-ref', '--short', 'HEAD']);
}

/**
 * The branch new work should start from: the remote's HEAD branch when known, else `main` or
 * `master` when present, else whatever is checked out.
 */
export async function detectDefaultBranch(root: string): Promise<string> {
  const remoteHead = await gitProbe(root, ['symbolic-ref', '--short', 'refs/remotes/origin/HEAD']);
  if (remoteHead?.startsWith('origin/')) return remoteHead.slice('origin/'.length);
  for (const name of ['main', 'master', 'trunk', 'develop']) {
    if (await gitProbe(root, ['show-ref', '--verify', `refs/heads/${name}`]) !== null) return name;
  }
  return (await currentBranch(root)) ?? 'main';
}
