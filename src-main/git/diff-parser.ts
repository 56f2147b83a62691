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
      bytes.push(({ n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(path: string): string | null {
  const p = unquotePath(path);
  if (p === '/dev/null') return null;
  return p.replace(/^[ab]\//, '');
}

/**
 * Parses `git diff` output (with --find-renames, no color, no external diff) into files and
 * hunks with per-file stats. Renames, copies, deletions, mode changes and binary files are kept as
 * such; a file with only a mode change has no hunks.
 */
export function parseUnifiedDiff(output: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffFile['hunks'][number] | null = null;
  let oldNo = 0;
  let newNo = 0;
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      const match = /^diff --git ("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(line);
      file = {
        oldPath: match ? stripPrefix(match[1]!) : null,
        newPath: match ? stripPrefix(match[2]!) : null,
        status: 'modified',
        binary: false,
        oldMode: null,
        newMode: null,
        additions: 0,
        deletions: 0,
        collapsed: false,
        hunks: [],
      };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    if (hunk && (line.startsWith(' ') || line.startsWith('+') || line.startsWith('-') || line === '')) {
      if (line.startsWith('+')) {
        hunk.lines.push({ kind: 'add', oldNo: null, newNo: newNo++, text: line.slice(1) });
        file.additions++;
      } else if (line.startsWith('-')) {
        hunk.lines.push({ kind: 'del', oldNo: oldNo++, newNo: null, text: line.slice(1) });
        file.deletions++;
      } else {
        hunk.lines.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text: line.slice(1) });
      }
      continue;
    }
    if (line.startsWith('\\ ')) continue; // "\ No newline at end of file"
    const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[3]);
      hunk = { header: line, oldStart: oldNo, oldLines: h[2] === undefined ? 1 : Number(h[2]), newStart: newNo, newLines: h[4] === undefined ? 1 : Number(h[4]), lines: [] };
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
