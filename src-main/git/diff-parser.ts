import type { DiffFile } from '../../src-common/domain/diff';

const COLLAPSED = [
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|Gemfile\.lock|composer\.lock|poetry\.lock|uv\.lock|go\.sum|Pipfile\.lock|flake\.lock)$/,
  /\.min\.(js|css)$/,
  /(^|\/)(dist|build|out|vendor|node_modules|__generated__|generated)\//,
  /\.(snap|map)$/,
];

/** True for lock files and generated files, which a reviewer rarely reads line by line. */
export function isCollapsedByDefault(path: string | null): boolean {
  return path !== null && COLLAPSED.some((re) => re.test(path));
}

const C_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };

/** Reads a path from a diff header, where git quotes paths with special characters in C style. */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return pathFromBytes(Buffer.from(bytes));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file name as git stored it: the name itself when its bytes are UTF-8, else git's own C-quoted
 * form (`"caf\351.txt"`, as `git status` prints it), so a name that is not text still names its file.
 */
export function pathFromBytes(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return quoteGitPath(bytes);
  }
}

/** Git's C-style quoting of a name (core.quotePath): escapes, and octal for control and non-ASCII bytes. */
export function quoteGitPath(bytes: Buffer): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
  let out = '"';
  for (const b of bytes) {
    if (named[b]) out += named[b];
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/** One record of `git diff --raw -z`: what changed and the exact names, straight from git. */
export interface RawDiffRecord {
  /** A, C, D, M, R, T, U or X (copies and renames carry their similarity score separately). */
  status: string;
  oldMode: string;
  newMode: string;
  oldPath: string;
  newPath: string;
}

/**
 * Splits `git diff --raw -z -p` output: the NUL-separated records come first, then an empty field,
 * then the patch as text. Names are taken from the records, where git never quotes or pads them.
 */
export function splitRawAndPatch(output: Buffer): { records: RawDiffRecord[]; patch: string } {
  const records: RawDiffRecord[] = [];
  let at = 0;
  const field = (): Buffer => {
    const end = output.indexOf(0, at);
    const value = output.subarray(at, end === -1 ? output.length : end);
    at = end === -1 ? output.length : end + 1;
    return value;
  };
  while (at < output.length && output[at] === 0x3a /* ':' */) {
    const head = field().toString('latin1');
    const match = /^:(\d{6}) (\d{6}) [0-9a-f]+ [0-9a-f]+ ([A-Z])(\d*)$/.exec(head);
    if (!match) throw new Error(`unexpected git diff --raw record: ${head.slice(0, 120)}`);
    const status = match[3]!;
    const first = pathFromBytes(field());
    const second = status === 'R' || status === 'C' ? pathFromBytes(field()) : first;
    records.push({ status, oldMode: match[1]!, newMode: match[2]!, oldPath: first, newPath: second });
  }
  // The records end with an empty field before the patch.
  if (at < output.length && output[at] === 0) at += 1;
  return { records, patch: output.subarray(at).toString('utf8') };
}

const NO_MODE = '000000';
/** Modes worth showing even when unchanged: a symlink and a submodule are not plain files. */
const SPECIAL_MODES = new Set(['120000', '160000']);

/**
 * Parses `git diff --raw -z -p` output into files and hunks: kinds and names from the raw records,
 * hunks from the patch. A type change (a file that became a symlink) is two patch sections for one
 * record, and is shown as one file.
 */
export function parseRawPatch(output: Buffer): DiffFile[] {
  const { records, patch } = splitRawAndPatch(output);
  const sections = parseUnifiedDiff(patch);
  const expected = records.reduce((n, r) => n + (r.status === 'T' && r.oldMode !== NO_MODE && r.newMode !== NO_MODE ? 2 : 1), 0);
  if (expected !== sections.length) throw new Error(`git diff gave ${records.length} changes but ${sections.length} patch sections`);
  const files: DiffFile[] = [];
  let next = 0;
  for (const record of records) {
    const parts = [sections[next++]!];
    if (record.status === 'T' && parts[0]!.status === 'deleted') parts.push(sections[next++]!);
    const status: DiffFile['status'] =
      record.status === 'A' ? 'added' : record.status === 'D' ? 'deleted' : record.status === 'R' ? 'renamed' : record.status === 'C' ? 'copied' : 'modified';
    const oldMode = record.oldMode === NO_MODE ? null : record.oldMode;
    const newMode = record.newMode === NO_MODE ? null : record.newMode;
    const showModes = oldMode !== newMode || SPECIAL_MODES.has(record.oldMode) || SPECIAL_MODES.has(record.newMode);
    const newPath = status === 'deleted' ? null : record.newPath;
    files.push({
      oldPath: status === 'added' ? null : record.oldPath,
      newPath,
      status,
      binary: parts.some((p) => p.binary),
      oldMode: status === 'added' ? null : showModes ? oldMode : null,
      newMode: status === 'deleted' ? null : showModes ? newMode : null,
      additions: parts.reduce((n, p) => n + p.additions, 0),
      deletions: parts.reduce((n, p) => n + p.deletions, 0),
      collapsed: isCollapsedByDefault(newPath ?? record.oldPath),
      hunks: parts.flatMap((p) => p.hunks),
    });
  }
  return files;
}

function stripPrefix(path: string): string | null {
  // git pads a name that holds a space with a tab on the ---/+++ lines (for GNU patch).
  const p = unquotePath(path.endsWith('\t') ? path.slice(0, -1) : path);
  if (p === '/dev/null') return null;
  return p.replace(/^[ab]\//, '');
}

/** The two names of a `diff --git` line; an unquoted line with spaces splits where both halves agree. */
function headerNames(rest: string): [string | null, string | null] {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
  if (quoted) return [stripPrefix(quoted[1]!), stripPrefix(quoted[2]!)];
  // `a/<p> b/<p>` with spaces in <p>: unambiguous only when both names are the same.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) {
    const name = rest.slice(2, half);
    return [name, name];
  }
  return [null, null];
}

/**
 * Parses `git diff` patch text (with --find-renames, no color, no external diff) into files and
 * hunks with per-file stats. Names come from the headers, which are ambiguous for some names; the
 * worktree diff takes them from {@link splitRawAndPatch} instead. A file with only a mode change has no hunks.
 */
export function parseUnifiedDiff(output: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffFile['hunks'][number] | null = null;
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const inHunk = hunk !== null && (oldLeft > 0 || newLeft > 0);
    if (!inHunk && line.startsWith('diff --git ')) {
      const [oldPath, newPath] = headerNames(line.slice('diff --git '.length));
      file = { oldPath, newPath, status: 'modified', binary: false, oldMode: null, newMode: null, additions: 0, deletions: 0, collapsed: false, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    if (inHunk && hunk) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      if (line.startsWith('+')) {
        hunk.lines.push({ kind: 'add', oldNo: null, newNo: newNo++, text: line.slice(1) });
        file.additions++;
        newLeft--;
      } else if (line.startsWith('-')) {
        hunk.lines.push({ kind: 'del', oldNo: oldNo++, newNo: null, text: line.slice(1) });
        file.deletions++;
        oldLeft--;
      } else {
        hunk.lines.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text: line.slice(1) });
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    if (line.startsWith('\\')) continue;
    const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[3]);
      oldLeft = h[2] === undefined ? 1 : Number(h[2]);
      newLeft = h[4] === undefined ? 1 : Number(h[4]);
      hunk = { header: line, oldStart: oldNo, oldLines: oldLeft, newStart: newNo, newLines: newLeft, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (line.startsWith('new file mode ')) {
      file.status = 'added';
      file.newMode = line.slice('new file mode '.length);
      file.oldPath = null;
    } else if (line.startsWith('deleted file mode ')) {
      file.status = 'deleted';
      file.oldMode = line.slice('deleted file mode '.length);
      file.newPath = null;
    } else if (line.startsWith('old mode ')) file.oldMode = line.slice('old mode '.length);
    else if (line.startsWith('new mode ')) file.newMode = line.slice('new mode '.length);
    else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = unquotePath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) file.newPath = unquotePath(line.slice('rename to '.length));
    else if (line.startsWith('copy from ')) {
      file.status = 'copied';
      file.oldPath = unquotePath(line.slice('copy from '.length));
    } else if (line.startsWith('copy to ')) file.newPath = unquotePath(line.slice('copy to '.length));
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
    else if (line.startsWith('--- ') && file.status !== 'renamed' && file.status !== 'copied') {
      const p = stripPrefix(line.slice(4));
      if (p !== null) file.oldPath = p;
    } else if (line.startsWith('+++ ') && file.status !== 'renamed' && file.status !== 'copied') {
      const p = stripPrefix(line.slice(4));
      if (p !== null) file.newPath = p;
    }
  }
  for (const f of files) f.collapsed = isCollapsedByDefault(f.newPath ?? f.oldPath);
  return files;
}
