import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-dir';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs the plain git CLI (the tests' independent view of the repository). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Writes a file (creating folders). */
export function write(root: string, rel: string, content: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A real repository with one commit on `main` (README.md). */
export function makeRepo(name = 'repo'): string {
  const dir = path.join(tempDir(), name);
  fs.mkdirSync(dir);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  write(dir, 'README.md', '# test\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'initial');
  return dir;
}

/** A bare "remote" seeded from `repo`, added to it as `origin`, with main pushed and tracked. */
export function addOrigin(repo: string): string {
  const remote = path.join(tempDir(), 'origin.git');
  git(path.dirname(remote), 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(repo, 'remote', 'add', 'origin', remote);
  git(repo, 'push', '--quiet', '-u', 'origin', 'main');
  git(repo, 'remote', 'set-head', 'origin', 'main');
  return remote;
}
