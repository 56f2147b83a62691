import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { worktreeChanges } from '../../src-main/git/diff';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

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
      const first = await app.router.dispatch('diffs:get', { worktreeId: wt.id });
      expect(first).toMatchObject({ ok: true, value: { files: [], additions: 0 } });
      let changes = 0;
      app.events.on('diffs:changed', (p) => {
        if (p.worktreeId === wt.id) changes++;
      });
      const waitFor = async (n: number) => {
        for (let i = 0; i < 100 && changes < n; i++) await new Promise((r) => setTimeout(r, 50));
        expect(changes).toBeGreaterThanOrEqual(n);
      };
      await new Promise((r) => setTimeout(r, 300));
      write(wt.path, 'agent.txt', 'written by the agent\n');
      await waitFor(1);
      const second = await app.router.dispatch('diffs:get', { worktreeId: wt.id });
      expect(second.ok && (second.value as { files: { newPath: string }[] }).files.map((f) => f.newPath)).toEqual(['agent.txt']);
      const afterWrite = changes;
      write(wt.path, 'logs/noise.log', 'ignored\n');
      await new Promise((r) => setTimeout(r, 800));
      expect(changes).toBe(afterWrite);
      git(wt.path, 'add', 'agent.txt');
      git(wt.path, 'commit', '--quiet', '-m', 'agent work');
      await waitFor(afterWrite + 1);
    } finally {
      await app.dispose();
    }
  });
});
