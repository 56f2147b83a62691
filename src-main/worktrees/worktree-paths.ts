import path from 'node:path';
import { AppError } from '../../src-common/result';

/** Folder name for a branch: `feature/login` -> `feature-login`. */
export function folderForBranch(branch: string): string {
  const name = branch.replace(/[\\/]+/g, '-').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return name.length > 0 ? name : 'worktree';
}

/** The worktree folder for `branch` under `root`; throws when the result would leave `root`. */
export function worktreePathFor(root: string, branch: string): string {
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, folderForBranch(branch));
  assertInside(resolvedRoot, target);
  return target;
}

/** Throws `invalid_path` unless `target` is strictly inside `root`. */
export function assertInside(root: string, target: string): void {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new AppError('invalid_path', `${target} is outside the worktree root ${root}`);
  }
}
