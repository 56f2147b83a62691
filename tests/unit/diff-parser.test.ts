import { describe, expect, it } from 'vitest';
import { isCollapsedByDefault, parseRawPatch, parseUnifiedDiff, quoteGitPath, unquotePath } from '../../src-main/git/diff-parser';

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

  it('reads names with spaces from headers: the tab git pads them with, and a binary change with no ---/+++ lines', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/new spaced.txt b/new spaced.txt',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/new spaced.txt\t',
        '@@ -0,0 +1 @@',
        '+x',
        'diff --git a/my pic.png b/my pic.png',
        'index 1..2 100644',
        'Binary files a/my pic.png and b/my pic.png differ',
        '',
      ].join('\n'),
    );
    expect(files.map((f) => [f.oldPath, f.newPath, f.binary])).toEqual([
      [null, 'new spaced.txt', false],
      ['my pic.png', 'my pic.png', true],
    ]);
  });

  it('takes names from NUL-separated records, byte for byte, and quotes only names that are not text', () => {
    const latin1 = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const out = Buffer.concat([
      Buffer.from(':000000 100644 0000000 1111111 A\0tab\tand "quote".txt\0'),
      Buffer.from(':100644 100644 2222222 2222222 R100\0old name.txt\0new\nname.txt\0'),
      Buffer.from(':000000 100644 0000000 3333333 A\0'),
      latin1,
      Buffer.from('\0\0'),
      Buffer.from(
        [
          'diff --git "a/tab\\tand \\"quote\\".txt" "b/tab\\tand \\"quote\\".txt"',
          'new file mode 100644',
          '--- /dev/null',
          '+++ "b/tab\\tand \\"quote\\".txt"',
          '@@ -0,0 +1,2 @@',
          '+one',
          '+two',
          'diff --git a/old name.txt "b/new\\nname.txt"',
          'similarity index 100%',
          'rename from old name.txt',
          'rename to "new\\nname.txt"',
          'diff --git "a/caf\\351.txt" "b/caf\\351.txt"',
          'new file mode 100644',
          'Binary files /dev/null and "b/caf\\351.txt" differ',
          '',
        ].join('\n'),
      ),
    ]);
    expect(parseRawPatch(out).map((f) => [f.status, f.oldPath, f.newPath, f.additions, f.binary])).toEqual([
      ['added', null, 'tab\tand "quote".txt', 2, false],
      ['renamed', 'old name.txt', 'new\nname.txt', 0, false],
      ['added', null, '"caf\\351.txt"', 0, true],
    ]);
    expect(quoteGitPath(latin1)).toBe('"caf\\351.txt"');
    expect(unquotePath('"caf\\351.txt"')).toBe('"caf\\351.txt"');
  });

  it('collapses lock files and generated files by default', () => {
    for (const p of ['package-lock.json', 'web/yarn.lock', 'Cargo.lock', 'dist/app.js', 'a.min.js', 'go.sum']) expect(isCollapsedByDefault(p), p).toBe(true);
    for (const p of ['src/lock.ts', 'README.md', 'distance.ts']) expect(isCollapsedByDefault(p), p).toBe(false);
  });
});
