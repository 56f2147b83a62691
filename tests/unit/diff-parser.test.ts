import { describe, expect, it } from 'vitest';
import { isCollapsedByDefault, parseUnifiedDiff, unquotePath } from '../../src-main/git/diff-parser';

describe('unified diff parsing', () => {
  it('reads quoted paths with spaces and non-ASCII names', () => {
    expect(unquotePath('"a/caf\\303\\251 menu.txt"')).toBe('a/café menu.txt');
    expect(unquotePath('plain/path.ts')).toBe('plain/path.ts');
    const [file] = parseUnifiedDiff(
      ['diff --git "a/caf\\303\\251 menu.txt" "b/caf\\303\\251 menu.txt"', 'index 1..2 100644', '--- "a/caf\\303\\251 menu.txt"', '+++ "b/caf\\303\\251 menu.txt"', '@@ -1 +1 @@', '-old', '+new', ''].join('\n'),
    );
    expect(file).toMatchObject({ oldPath: 'café menu.txt', newPath: 'café menu.txt', additions: 1, deletions: 1 });
  });

  it('skips the no-newline marker and counts single-line hunks', () => {
    const [file] = parseUnifiedDiff(['diff --git a/x b/x', '--- a/x', '+++ b/x', '@@ -1 +1,2 @@', '-a', '\\ No newline at end of file', '+a', '+b', ''].join('\n'));
    expect(file!.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2 });
    expect(file!.hunks[0]!.lines.map((l) => l.kind)).toEqual(['del', 'add', 'add']);
  });

  it('keeps lines that look like headers inside a hunk as content', () => {
    const [file] = parseUnifiedDiff(['diff --git a/notes.md b/notes.md', '--- a/notes.md', '+++ b/notes.md', '@@ -1,2 +1,2 @@', ' intro', '---- a separator', '+--- b separator', ''].join('\n'));
    expect(file!.hunks[0]!.lines).toEqual([
      { kind: 'context', oldNo: 1, newNo: 1, text: 'intro' },
      { kind: 'del', oldNo: 2, newNo: null, text: '--- a separator' },
      { kind: 'add', oldNo: null, newNo: 2, text: '--- b separator' },
    ]);
  });

  it('collapses lock files and generated files by default', () => {
    for (const p of ['package-lock.json', 'web/yarn.lock', 'Cargo.lock', 'dist/app.js', 'a.min.js', 'go.sum']) expect(isCollapsedByDefault(p), p).toBe(true);
    for (const p of ['src/lock.ts', 'README.md', 'distance.ts']) expect(isCollapsedByDefault(p), p).toBe(false);
  });
});
