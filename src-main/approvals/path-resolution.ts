import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** More links than this on one path is a loop (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/** `~` and `~/...` as the home folder; anything else unchanged. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return `${home.replace(/\/+$/, '')}/${p.slice(2)}`;
  return p;
}

/**
 * An absolute path as the kernel would walk it: component by component, following every symlink
 * that exists (a dangling one too, to where a write would land) before applying the `..` after
 * it. What does not exist yet is kept as written, with `.` and `..` removed. Null for a loop.
 */
export function realPath(absolute: string): string | null {
  const queue = absolute.split('/').filter((s) => s.length > 0);
  let current = '/';
  let links = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      current = path.posix.dirname(current);
      continue;
    }
    const next = current === '/' ? `/${part}` : `${current}/${part}`;
    let link: string | null = null;
    try {
      if (fs.lstatSync(next).isSymbolicLink()) link = fs.readlinkSync(next);
    } catch {
      // Not there (yet): the rest is taken as written.
    }
    if (link === null) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) return null;
    if (link.startsWith('/')) current = '/';
    queue.unshift(...link.split('/').filter((s) => s.length > 0));
  }
  return current;
}

/**
 * The file a tool call would really touch: `raw` with `~` expanded, against `cwd` when relative,
 * `.` and `..` removed and symlinks followed ({@link realPath}); a link inside the worktree that
 * points to /etc is /etc. Null when it cannot be known: a relative path without a folder, a NUL, a loop.
 */
export function resolveToolPath(raw: string, cwd: string | null, home: string = os.homedir()): string | null {
  if (raw.length === 0 || raw.includes('\0')) return null;
  const expanded = expandHome(raw, home);
  if (expanded.startsWith('/')) return realPath(expanded);
  if (!cwd || !cwd.startsWith('/')) return null;
  // Joined as text: path.join would apply `..` before the links are followed.
  return realPath(`${cwd}/${expanded}`);
}

/** True when `target` is `folder` or inside it (both resolved). */
export function isInside(folder: string, target: string): boolean {
  return target === folder || target.startsWith(folder === '/' ? '/' : `${folder}/`);
}

/** {@link realPath} remembered for the length of one decision (the disk is read once per path). */
export function memoRealPath(): (absolute: string) => string | null {
  const seen = new Map<string, string | null>();
  return (absolute) => {
    if (!seen.has(absolute)) seen.set(absolute, realPath(absolute));
    return seen.get(absolute)!;
  };
}
