/** Input fields that name a file or folder, across the agents' tools and MCP servers. */
const PATH_KEYS = ['file_path', 'notebook_path', 'path', 'absolute_path', 'dir_path', 'directory'];
/** Tools that search the session's folder when given no path. */
const DEFAULTS_TO_CWD = new Set(['Glob', 'Grep', 'LS']);
/** The field a tool's rule pattern is about, for tools that are not about paths. */
const PRIMARY_FIELD: Record<string, string> = { WebFetch: 'url', WebSearch: 'query' };

/** The folders before the first glob character of a glob (`../../etc/*` -> `../../etc`). */
function globBase(glob: string): string {
  const segments = glob.split('/');
  const firstGlob = segments.findIndex((s) => /[*?[{]/.test(s));
  return (firstGlob === -1 ? segments.slice(0, -1) : segments.slice(0, firstGlob)).join('/') || (glob.startsWith('/') ? '/' : '');
}

/**
 * The paths a tool call touches, as written (resolve them before matching), or null when the
 * tool names no path. A Glob's pattern counts from where it starts (`../../etc/*` reaches /etc).
 */
export function toolPaths(toolName: string, input: Record<string, unknown>, cwd: string | null): string[] | null {
  const paths: string[] = [];
  for (const key of PATH_KEYS) if (typeof input[key] === 'string') paths.push(input[key]);
  if (Array.isArray(input.paths)) for (const p of input.paths) if (typeof p === 'string') paths.push(p);
  if (paths.length === 0 && DEFAULTS_TO_CWD.has(toolName) && cwd) paths.push(cwd);
  if (toolName === 'Glob' && typeof input.pattern === 'string') {
    const base = globBase(input.pattern);
    if (base.startsWith('/')) paths.push(base);
    else if (base) paths.push(`${paths[0] ?? cwd ?? '.'}/${base}`);
  }
  return paths.length > 0 ? paths : null;
}

function normalizeUrl(value: string): string {
  try {
    return new URL(value).href;
  } catch {
    return value;
  }
}

/**
 * The text a non-path rule pattern is matched against: `primary` (what an allow must cover: the
 * URL of a WebFetch, the query of a WebSearch; null for tools Pitwall does not know, where an allow
 * must cover every text field) and `all` (any of which a deny or ask may hit).
 */
export function toolTexts(toolName: string, input: Record<string, unknown>): { primary: string[] | null; all: string[] } {
  const all = Object.values(input).filter((v): v is string => typeof v === 'string');
  const field = PRIMARY_FIELD[toolName];
  if (!field) return { primary: null, all };
  const value = input[field];
  if (typeof value !== 'string') return { primary: [], all };
  const primary = field === 'url' ? normalizeUrl(value) : value;
  return { primary: [primary], all: [...all, primary] };
}

/** A text pattern (non-path, non-Bash tools): `*` any characters, `?` one, backslash literal. */
export function textGlob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su');
}
