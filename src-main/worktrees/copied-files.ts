import fs from 'node:fs';
import path from 'node:path';
import { gitRaw } from '../git/git';

/** Where a worktree's private git folder lists the files Pitwall copied into it. */
const LIST_FILE = 'pitwall-copied-files';
/** Heads the lines Pitwall adds to the repository's `info/exclude`. */
const BLOCK_HEADER = '# Pitwall: files it copied into its worktrees (.env and the like); never committed by Pitwall';

/** A gitignore line that matches exactly `rel` (from the top of the checkout), whatever characters it has. */
export function exactIgnorePattern(rel: string): string {
  const escaped = rel.replace(/[\\*?[]/g, (c) => `\\${c}`).replace(/ $/, '\\ ');
  return `/${escaped}`;
}

async function gitPath(worktree: string, flag: '--git-dir' | '--git-common-dir'): Promise<string> {
  return path.resolve(worktree, await gitRaw(worktree, ['rev-parse', flag]));
}

/**
 * Keeps the files Pitwall copied into a new worktree out of every commit: lists them, anchored, in
 * the repository's `info/exclude` (git has one for all worktrees, so they are ignored in the main
 * checkout too, where they are untracked already), and records them in the worktree's own git
 * folder for {@link copiedFiles}. A secret in `.env` then never reaches the task branch, even when
 * the repository does not ignore it.
 */
export async function keepCopiedFilesOut(worktree: string, copied: readonly string[]): Promise<void> {
  if (copied.length === 0) return;
  const listFile = path.join(await gitPath(worktree, '--git-dir'), LIST_FILE);
  const listed = new Set(readLines(listFile));
  fs.writeFileSync(listFile, [...new Set([...listed, ...copied])].join('\n') + '\n');

  const excludeFile = path.join(await gitPath(worktree, '--git-common-dir'), 'info', 'exclude');
  const lines = readLines(excludeFile, false);
  const present = new Set(lines.map((l) => l.trim()));
  const missing = [...new Set(copied.map(exactIgnorePattern))].filter((p) => !present.has(p));
  if (missing.length === 0) return;
  const header = present.has(BLOCK_HEADER) ? [] : [BLOCK_HEADER];
  const text = lines.join('\n').replace(/\n*$/, '');
  fs.mkdirSync(path.dirname(excludeFile), { recursive: true });
  // Written whole to a temporary file, then renamed: git never reads half a list.
  const tmp = `${excludeFile}.pitwall-${process.pid}`;
  fs.writeFileSync(tmp, `${text}${text ? '\n' : ''}${[...header, ...missing].join('\n')}\n`);
  fs.renameSync(tmp, excludeFile);
}

/** The files Pitwall copied into `worktree` when it made it (relative paths). */
export async function copiedFiles(worktree: string): Promise<string[]> {
  try {
    return readLines(path.join(await gitPath(worktree, '--git-dir'), LIST_FILE));
  } catch {
    return [];
  }
}

function readLines(file: string, dropEmpty = true): string[] {
  try {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    return dropEmpty ? lines.filter((l) => l.length > 0) : lines;
  } catch {
    return [];
  }
}
