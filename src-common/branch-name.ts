/**
 * Why `name` cannot be a new branch, or null. Git's own rules for ref names
 * (git-check-ref-format), in words a person can act on, plus Pitwall's: not `@` or `HEAD`
 * (git reads them as the current commit), not `refs/...` (it would become
 * `refs/heads/refs/...`), and not starting with `-` (it would read as an option).
 */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-", which git would read as an option';
  if (name === '@') return '"@" means the current commit to git';
  if (name === 'HEAD') return '"HEAD" means the current commit to git';
  if (name.startsWith('refs/')) return 'it starts with "refs/"; give the branch name alone (refs/heads/ is added by git)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(name)) return 'it contains a space or a control character';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `it contains "${bad[0]}", which git does not allow in branch names`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/')) return 'it starts or ends with "/"';
  if (name.includes('//')) return 'it contains "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its part "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its part "${part}" ends with ".lock"`;
  }
  return null;
}

/** True for an absolute path on POSIX (`/home/x`) or Windows (`C:\x`, `\\server\share`). */
export function isAbsolutePath(p: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);
}
