import { branchNameProblem } from '../../src-common/branch-name';
import { AppError } from '../../src-common/result';
import { gitAt } from './git';

/**
 * Checks a new branch name: Pitwall's rules with their reasons ({@link branchNameProblem}), then
 * git's own `git check-ref-format --branch` as the authority, which must give the name back
 * unchanged (`--branch` expands `@{-1}` and the like to another branch). Returns the name.
 */
export async function assertValidBranchName(root: string, name: string): Promise<string> {
  const problem = branchNameProblem(name);
  if (problem) throw new AppError('invalid_branch_name', `"${name}" is not a valid branch name: ${problem}`);
  let checked: string;
  try {
    checked = (await gitAt(root).raw(['check-ref-format', '--branch', name])).trim();
  } catch {
    throw new AppError('invalid_branch_name', `"${name}" is not a valid branch name: git check-ref-format refused it`);
  }
  if (checked !== name) throw new AppError('invalid_branch_name', `"${name}" is not a valid branch name: git reads it as ${checked}`);
  return name;
}
