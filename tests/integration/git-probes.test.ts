import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitProbe } from '../../src-main/git/git';
import { currentBranch, listRemotes, refExists } from '../../src-main/git/repository';
import { git, makeRepo } from '../helpers/git-repo';
import { sourceFiles } from '../helpers/source-files';
import { removeTempDirs } from '../helpers/temp-dir';

// Probes answer what git answers, without `--quiet`: simple-git waits 50 ms more after a command that
// printed nothing, so every silent "no" cost that (two of them in each worktree creation).

afterAll(removeTempDirs);

const ROOT = path.resolve(__dirname, '../..');

describe('git probes', () => {
  it('list the remotes git remote lists: none, several, a name with dots, one with only a fetch refspec', async () => {
    const repo = makeRepo('remotes');
    const gitRemote = () => git(repo, 'remote').split('\n').filter(Boolean).sort();
    expect(await listRemotes(repo)).toEqual([]);
    expect(gitRemote()).toEqual([]);
    git(repo, 'remote', 'add', 'origin', 'https://example.com/a.git');
    git(repo, 'remote', 'add', 'team.mirror', 'https://example.com/b.git');
    git(repo, 'config', 'remote.fetch-only.fetch', '+refs/heads/*:refs/remotes/fetch-only/*');
    expect((await listRemotes(repo)).sort()).toEqual(gitRemote());
    expect(gitRemote()).toEqual(['fetch-only', 'origin', 'team.mirror']);
  });

  it('answer a ref that exists, one that does not, and a detached HEAD', async () => {
    const repo = makeRepo('refs');
    expect(await refExists(repo, 'refs/heads/main')).toBe(true);
    expect(await refExists(repo, 'refs/heads/nope')).toBe(false);
    expect(await currentBranch(repo)).toBe('main');
    git(repo, 'checkout', '--quiet', '--detach');
    expect(await currentBranch(repo)).toBeNull();
    expect(await gitProbe(repo, ['rev-parse', '--verify', 'HEAD'])).toMatch(/^[0-9a-f]{40}$/);
  });

  it('never pass --quiet to the ref probes of the core', () => {
    const found = sourceFiles(path.join(ROOT, 'src-main')).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/gitProbe\(.*\['(rev-parse|symbolic-ref|show-ref)',.*'--quiet'/.test(line) ? [`${path.relative(ROOT, file)}:${i + 1}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
