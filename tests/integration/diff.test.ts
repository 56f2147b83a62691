import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { worktreeChanges } from '../../src-main/git/diff';
import { DiffService } from '../../src-main/review/diff-service';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { poller } from '../helpers/wait';

const until = poller({ timeoutMs: 20_000, intervalMs: 25 });

afterAll(removeTempDirs);

describe('worktree diff against its base', () => {
  it('shows committed, staged, unstaged, untracked, renamed, deleted, mode and binary changes together', async () => {
    const repo = makeRepo();
    write(repo, 'src/keep.ts', 'export const a = 1;\nexport const b = 2;\n\nexport const c = 3;\n');
    write(repo, 'src/old-name.ts', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n');
    write(repo, 'gone.txt', 'bye\n');
    write(repo, 'run.sh', 'echo hi\n');
    write(repo, 'package-lock.json', '{"lockfileVersion": 3}\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    const wt = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'work', wt, 'main');
    // The base moves on after the branch left it: its changes must not show up.
    write(repo, 'base-only.txt', 'later on main\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base moves');

    write(wt, 'committed.txt', 'committed\n');
    git(wt, 'add', 'committed.txt');
    git(wt, 'commit', '--quiet', '-m', 'agent commit');
    write(wt, 'staged.txt', 'staged\n');
    git(wt, 'add', 'staged.txt');
    write(wt, 'src/keep.ts', 'export const a = 1;\nexport const b = 22;\n\nexport const c = 3;\n');
    write(wt, 'untracked/new.md', '# new\n');
    git(wt, 'mv', 'src/old-name.ts', 'src/new-name.ts');
    fs.rmSync(path.join(wt, 'gone.txt'));
    fs.chmodSync(path.join(wt, 'run.sh'), 0o755);
    fs.writeFileSync(path.join(wt, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 3, 0, 255]));
    write(wt, 'package-lock.json', '{"lockfileVersion": 3, "packages": {}}\n');
    write(wt, '.gitignore', 'ignored.log\n');
    write(wt, 'ignored.log', 'noise\n');
    const indexBefore = git(wt, 'status', '--porcelain');

    const { mergeBase, files } = await worktreeChanges(wt, 'main');
    expect(mergeBase).toBe(git(repo, 'rev-parse', 'main~1'));
    const byPath = new Map(files.map((f) => [f.newPath ?? f.oldPath, f]));
    expect([...byPath.keys()].sort()).toEqual(
      ['.gitignore', 'committed.txt', 'gone.txt', 'logo.png', 'package-lock.json', 'run.sh', 'src/keep.ts', 'src/new-name.ts', 'staged.txt', 'untracked/new.md'].sort(),
    );
    expect(byPath.get('committed.txt')).toMatchObject({ status: 'added', additions: 1, deletions: 0 });
    expect(byPath.get('staged.txt')).toMatchObject({ status: 'added', additions: 1 });
    expect(byPath.get('untracked/new.md')).toMatchObject({ status: 'added', additions: 1 });
    expect(byPath.get('gone.txt')).toMatchObject({ status: 'deleted', oldPath: 'gone.txt', newPath: null, deletions: 1 });
    expect(byPath.get('src/new-name.ts')).toMatchObject({ status: 'renamed', oldPath: 'src/old-name.ts', additions: 0, deletions: 0, hunks: [] });
    expect(byPath.get('run.sh')).toMatchObject({ status: 'modified', oldMode: '100644', newMode: '100755', hunks: [] });
    expect(byPath.get('logo.png')).toMatchObject({ status: 'added', binary: true, hunks: [] });
    expect(byPath.get('package-lock.json')).toMatchObject({ collapsed: true });
    const keep = byPath.get('src/keep.ts')!;
    expect(keep).toMatchObject({ additions: 1, deletions: 1, collapsed: false });
    expect(keep.hunks).toHaveLength(1);
    expect(keep.hunks[0]!.lines).toEqual([
      { kind: 'context', oldNo: 1, newNo: 1, text: 'export const a = 1;' },
      { kind: 'del', oldNo: 2, newNo: null, text: 'export const b = 2;' },
      { kind: 'add', oldNo: null, newNo: 2, text: 'export const b = 22;' },
      { kind: 'context', oldNo: 3, newNo: 3, text: '' },
      { kind: 'context', oldNo: 4, newNo: 4, text: 'export const c = 3;' },
    ]);
    expect(files.some((f) => f.newPath === 'base-only.txt' || f.newPath === 'ignored.log')).toBe(false);
    // Reading the diff changed nothing in the worktree or its index.
    expect(git(wt, 'status', '--porcelain')).toBe(indexBefore);
  });

  it('leaves the repository\'s object store as it was after a hundred refreshes of changing files', async () => {
    const repo = makeRepo();
    write(repo, 'tracked.txt', 'one\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    const wt = path.join(tempDir('pitwall-wt-'), 'objects');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'objects', wt, 'main');
    const countObjects = (): string => git(repo, 'count-objects', '-v');
    const before = countObjects();
    for (let i = 0; i < 100; i++) {
      // New contents every time, so each refresh has blobs git has never seen.
      write(wt, 'tracked.txt', `edit ${i}\n`);
      write(wt, 'untracked.txt', `new file ${i}\n`);
      const { files } = await worktreeChanges(wt, 'main');
      expect(files.map((f) => [f.newPath, f.additions])).toEqual([
        ['tracked.txt', 1],
        ['untracked.txt', 1],
      ]);
    }
    expect(countObjects()).toBe(before);
    expect(git(wt, 'count-objects', '-v')).toBe(before);
  });

  it('matches git diff --numstat line counts on a larger change', async () => {
    const repo = makeRepo();
    for (let i = 0; i < 30; i++) write(repo, `f${i}.txt`, Array.from({ length: 50 }, (_, j) => `${i}:${j}`).join('\n') + '\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'files');
    git(repo, 'switch', '--quiet', '-c', 'work');
    for (let i = 0; i < 30; i += 2) write(repo, `f${i}.txt`, Array.from({ length: 50 }, (_, j) => (j % 7 === 0 ? `changed ${i}:${j}` : `${i}:${j}`)).join('\n') + '\n');
    git(repo, 'commit', '--quiet', '-am', 'edits');
    const { files } = await worktreeChanges(repo, 'main');
    const numstat = git(repo, 'diff', '--numstat', 'main')
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([a, d, p]) => [p, Number(a), Number(d)]);
    expect(files.map((f) => [f.newPath, f.additions, f.deletions]).sort()).toEqual(numstat.sort());
  });
});

/** Names that git quotes, pads or cannot show as text, as the bytes the file system holds. */
const ODD_NAMES: { label: string; bytes: Buffer }[] = [
  { label: 'spaces', bytes: Buffer.from('new spaced.txt') },
  { label: 'spaces and non-ASCII', bytes: Buffer.from('my new ü.txt') },
  { label: 'a tab', bytes: Buffer.from('tab\there.txt') },
  { label: 'double quotes', bytes: Buffer.from('say "hi".txt') },
  { label: 'backslashes', bytes: Buffer.from('back\\slash\\.txt') },
  { label: 'a newline', bytes: Buffer.from('two\nlines.txt') },
  { label: 'non-UTF-8 bytes', bytes: Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' latin1.txt')]) },
];

const KINDS = ['added', 'deleted', 'renamed', 'copied', 'binary', 'mode-only', 'symlink', 'submodule'] as const;

/** The name of `kind`'s file for one odd name (the kind leads, so every file is distinct). */
function oddName(kind: string, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${kind} `), bytes]);
}

/** Every name git lists in a checkout, as git prints it (core.quotePath): the tests' independent view of a name that is not text. */
function gitListed(repo: string): string[] {
  return execFileSync('git', ['-c', 'core.quotePath=true', 'ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo }).toString('latin1').split('\n');
}

describe('worktree diff names', () => {
  it('names every kind of change exactly, whatever characters the names hold', async () => {
    const repo = makeRepo();
    const p = (name: Buffer): Buffer => Buffer.concat([Buffer.from(`${repo}/`), name]);
    const copySource = (label: string) => Array.from({ length: 40 }, (_, i) => `${label} line ${i}`).join('\n') + '\n';
    for (const { label, bytes } of ODD_NAMES) {
      fs.writeFileSync(p(oddName('deleted', bytes)), 'to be deleted\n');
      fs.writeFileSync(p(oddName('renamed-from', bytes)), Array.from({ length: 30 }, (_, i) => `moved line ${i}`).join('\n') + '\n');
      fs.writeFileSync(p(oddName('copy-source', bytes)), copySource(label));
      fs.writeFileSync(p(oddName('binary', bytes)), Buffer.from([0, 1, 2, 3, 0, 255]));
      fs.writeFileSync(p(oddName('mode-only', bytes)), 'echo hi\n');
      fs.symlinkSync('README.md', p(oddName('symlink', bytes)));
    }
    git(repo, 'add', '--all');
    git(repo, 'commit', '--quiet', '-m', 'odd names');
    const wt = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'odd', wt, 'main');
    const w = (name: Buffer): Buffer => Buffer.concat([Buffer.from(`${wt}/`), name]);
    for (const { label, bytes } of ODD_NAMES) {
      fs.writeFileSync(w(oddName('added', bytes)), 'added\n');
      fs.rmSync(w(oddName('deleted', bytes)));
      fs.renameSync(w(oddName('renamed-from', bytes)), w(oddName('renamed', bytes)));
      fs.writeFileSync(w(oddName('copied', bytes)), copySource(label));
      fs.appendFileSync(w(oddName('copy-source', bytes)), 'the source changes too, so git looks for copies of it\n');
      fs.writeFileSync(w(oddName('binary', bytes)), Buffer.from([0, 9, 9, 9, 0, 255]));
      fs.chmodSync(w(oddName('mode-only', bytes)), 0o755);
      fs.rmSync(w(oddName('symlink', bytes)));
      fs.symlinkSync('.gitignore', w(oddName('symlink', bytes)));
      // A nested repository with a commit: `git add --all` records it as a submodule (gitlink).
      // (made under a plain name, then renamed: a process cannot be started in a folder whose name is not text)
      const plain = path.join(wt, 'nested-repo');
      fs.mkdirSync(plain);
      git(plain, 'init', '--quiet', '--initial-branch=main');
      git(plain, 'commit', '--quiet', '--allow-empty', '-m', 'sub');
      fs.renameSync(plain, w(oddName('submodule', bytes)));
    }

    const { files } = await worktreeChanges(wt, 'main');
    // Independent of the code under test: UTF-8 names as written, other names as git's own ls-files shows them.
    const listed = { [wt]: gitListed(wt), [repo]: gitListed(repo) };
    const shown = (name: Buffer, where: string): string => {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(name);
      if (Buffer.from(text).equals(name)) return text;
      // Not text: git's own quoted form, which it lists exactly so.
      const quoted = `"${name.toString('latin1').replace(/\xe9/g, '\\351')}"`;
      // (an untracked nested repository is listed as a folder, with a slash)
      expect(listed[where]!.filter((l) => l === quoted || l === `${quoted.slice(0, -1)}/"`)).toHaveLength(1);
      return quoted;
    };
    expect(files).toHaveLength(ODD_NAMES.length * (KINDS.length + 1));
    for (const { label, bytes } of ODD_NAMES) {
      const find = (name: Buffer, where = wt) => files.find((f) => (f.newPath ?? f.oldPath) === shown(name, where));
      const added = find(oddName('added', bytes));
      expect(added, `added, ${label}`).toMatchObject({ status: 'added', oldPath: null, additions: 1 });
      expect(find(oddName('deleted', bytes), repo), `deleted, ${label}`).toMatchObject({ status: 'deleted', newPath: null, deletions: 1 });
      expect(find(oddName('renamed', bytes)), `renamed, ${label}`).toMatchObject({ status: 'renamed', oldPath: shown(oddName('renamed-from', bytes), repo), hunks: [] });
      expect(find(oddName('copied', bytes)), `copied, ${label}`).toMatchObject({ status: 'copied', oldPath: shown(oddName('copy-source', bytes), repo) });
      expect(find(oddName('copy-source', bytes)), `copy source, ${label}`).toMatchObject({ status: 'modified', additions: 1 });
      expect(find(oddName('binary', bytes)), `binary, ${label}`).toMatchObject({ status: 'modified', binary: true, oldPath: shown(oddName('binary', bytes), repo) });
      expect(find(oddName('mode-only', bytes)), `mode, ${label}`).toMatchObject({ status: 'modified', oldMode: '100644', newMode: '100755', hunks: [] });
      expect(find(oddName('symlink', bytes)), `symlink, ${label}`).toMatchObject({ status: 'modified', oldMode: '120000', newMode: '120000', additions: 1, deletions: 1 });
      const submodule = find(oddName('submodule', bytes));
      expect(submodule, `submodule, ${label}`).toMatchObject({ status: 'added', newMode: '160000', additions: 1 });
      expect(submodule!.hunks[0]!.lines[0]!.text).toMatch(/^Subproject commit [0-9a-f]{40}$/);
    }
  });

  it('shows a file that became a symlink as one change', async () => {
    const repo = makeRepo();
    write(repo, 'was a file.txt', 'plain\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'a file');
    git(repo, 'switch', '--quiet', '-c', 'type');
    fs.rmSync(path.join(repo, 'was a file.txt'));
    fs.symlinkSync('README.md', path.join(repo, 'was a file.txt'));
    const { files } = await worktreeChanges(repo, 'main');
    expect(files).toEqual([
      expect.objectContaining({ oldPath: 'was a file.txt', newPath: 'was a file.txt', status: 'modified', oldMode: '100644', newMode: '120000', additions: 1, deletions: 1 }),
    ]);
  });
});

describe('live diffs', () => {
  it('announce a change after a file write and after a commit, and ignore ignored paths', async () => {
    const { makeTestApp } = await import('../helpers/test-app');
    const app = makeTestApp();
    try {
      await app.ready;
      const repo = makeRepo();
      write(repo, '.gitignore', 'logs/\n');
      git(repo, 'add', '.');
      git(repo, 'commit', '--quiet', '-m', 'ignore logs');
      const project = await app.projects.add(repo);
      const wt = await app.worktrees.create({ projectId: project.id, branch: 'live' });
      const seen: string[] = [];
      const diffs = new DiffService(app.worktrees, app.events, 100, 16, (p) => seen.push(p));
      try {
        const first = await diffs.get(wt.id);
        expect(first).toMatchObject({ files: [], additions: 0 });
        let changes = 0;
        app.events.on('diffs:changed', (p) => {
          if (p.worktreeId === wt.id) changes++;
        });
        await diffs.whenWatching(wt.id);
        write(wt.path, 'agent.txt', 'written by the agent\n');
        await until(() => changes >= 1, 'a change after the file write');
        const second = await diffs.get(wt.id);
        expect(second.files.map((f) => f.newPath)).toEqual(['agent.txt']);
        // The ignored write comes first, a tracked one after it: once the watcher reports the
        // second, it has passed the first, so an ignored path that got through would be in `seen`.
        write(wt.path, 'logs/noise.log', 'ignored\n');
        write(wt.path, 'after-the-log.txt', 'not ignored\n');
        await until(() => seen.some((p) => p.endsWith('after-the-log.txt')), 'the watcher to report the file written after the ignored one');
        expect(seen.filter((p) => p.includes(`${path.sep}logs`))).toEqual([]);
        const beforeCommit = changes;
        const seenBeforeCommit = seen.length;
        git(wt.path, 'add', 'agent.txt');
        git(wt.path, 'commit', '--quiet', '-m', 'agent work');
        await until(() => seen.length > seenBeforeCommit && changes > beforeCommit, 'a change after the commit');
      } finally {
        await diffs.dispose();
      }
    } finally {
      await app.dispose();
    }
  });
});
