import { AppError } from '../../src-common/result';
import { gitAt } from './git';

/**
 * Checks a branch name with `git check-ref-format --branch` and refuses a leading `-` so a name can
 * never be read as an option (`--upload-pack=x`). Returns the normalized name.
 */
export async function assertValidBranchName(root: string, name: string): Promise<string> {
  if (name.length === 0 || name.startsWith('-')) {
    throw new AppError('invalid_branch_name', `"${name}" is not a valid branch name: it may not be empty or start with "-"`);
  }
  try {
    return (await gitAt(root).raw(['check-ref-format', '--branch', name])).trim();
  } catch {
    throw new AppError('invalid_branch_name', `"${name}" is not a valid branch name (git check-ref-format refused it)`);
  }
}
