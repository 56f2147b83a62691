import fs from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { untrackedFiles } from '../git/untracked';

/** The file in a repository that lists, in gitignore syntax, untracked files new worktrees get. */
export const WORKTREE_INCLUDE_FILE = '.worktreeinclude';

/** Patterns from the repository's `.worktreeinclude` (if any) plus the project's own list. */
export function includePatterns(repoRoot: string, configured: readonly string[]): string[] {
  let fromFile: string[] = [];
  try {
    fromFile = fs.readFileSync(path.join(repoRoot, WORKTREE_INCLUDE_FILE), 'utf8').split(/\r?\n/);
  } catch {
    // No .worktreeinclude: only the configured patterns apply.
  }
  return [...fromFile, ...configured].map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the untracked files of the main checkout that match `patterns` (gitignore syntax) into a
 * new worktree, keeping relative paths. Answers the copied paths (not those the worktree already had). Symlinks are copied as links.
 */
export async function copyIncludedFiles(repoRoot: string, worktree: string, patterns: readonly string[], untracked?: Promise<string[]>): Promise<string[]> {
  if (patterns.length === 0) return [];
  const matcher = ignore().add([...patterns]);
  const copied: string[] = [];
  // The caller may have listed them already, while git was checking the worktree out.
  for (const candidate of await (untracked ?? untrackedFiles(repoRoot))) {
    const isDir = candidate.endsWith('/');
    const rel = isDir ? candidate.slice(0, -1) : candidate;
    if (!matcher.ignores(isDir ? `${rel}/` : rel)) continue;
    const from = path.join(repoRoot, rel);
    const to = path.join(worktree, rel);
    // Already there (the branch tracks it): it is the branch's file, not a copy.
    if (exists(to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, errorOnExist: false, force: false });
    copied.push(rel);
  }
  return copied;
}
