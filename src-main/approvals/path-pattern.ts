import os from 'node:os';
import { expandHome, realPath } from './path-resolution';

/**
 * A path rule pattern, matched against resolved paths ({@link resolveToolPath}).
 *
 * - A relative pattern (`src/**`, `.env*`) names files inside the session's folder (its worktree,
 *   itself resolved); an absolute pattern (`/etc/**`) or one starting with `~/` names files
 *   anywhere. A relative pattern never matches a file outside the folder, whatever `..` or
 *   symlink the tool's path took to get there.
 * - `*` matches within one path segment, `**` as a whole segment any number of segments, `?`
 *   one character; a backslash makes the next character literal.
 * - The pattern's fixed leading folders are resolved like the paths (`/tmp/**` also matches
 *   where /tmp really is), and `.` and `..` in them are applied.
 *
 * Returns a test, or null when the pattern cannot apply (a relative pattern without a folder).
 */
export function compilePathPattern(
  pattern: string,
  cwd: string | null,
  home: string = os.homedir(),
  real: (absolute: string) => string | null = realPath,
): ((resolved: string) => boolean) | null {
  const expanded = expandHome(pattern, home);
  let full: string;
  if (expanded.startsWith('/')) full = expanded;
  else if (cwd && cwd.startsWith('/')) full = `${real(cwd) ?? cwd}/${expanded}`;
  else return null;
  const segments = full.split('/').filter((s) => s.length > 0);
  const firstGlob = segments.findIndex((s) => /(^|[^\\])[*?]/.test(s));
  const fixed = firstGlob === -1 ? segments : segments.slice(0, firstGlob);
  const prefix = real(`/${fixed.map(unescape).join('/')}`);
  if (prefix === null) return null;
  if (firstGlob === -1) return (resolved) => resolved === prefix;
  const rest = segments.slice(firstGlob);
  let re = escapeRegex(prefix === '/' ? '' : prefix);
  rest.forEach((segment, i) => {
    if (segment === '**') re += i === rest.length - 1 ? '(?:/.*)?' : '(?:/[^/]+)*';
    else re += `/${segmentRegex(segment)}`;
  });
  const compiled = new RegExp(`^${re}$`, 'su');
  return (resolved) => compiled.test(resolved);
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function segmentRegex(segment: string): string {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '\\' && i + 1 < segment.length) re += escapeRegex(segment[++i]!);
    else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += escapeRegex(ch);
  }
  return re;
}

/** A path written as a pattern that matches only itself. */
export function literalPathPattern(p: string): string {
  return p.replace(/[\\*?]/g, '\\$&');
}
