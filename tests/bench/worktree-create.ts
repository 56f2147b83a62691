import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import type { Result } from '../../src-common/result';
import { createApp } from '../../src-main/app';
import { git, makeRepo, write } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { median, row } from './bench-utils';

// Creating a worktree for an agent (no init script, nothing to copy), next to a plain
// `git worktree add -b <branch> <path> main` on the same repository in the same run, alternating
// which goes first.

const FILES = Number(process.env.BENCH_WORKTREE_FILES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

function gitAsync(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('git', args, { cwd }, (error) => (error ? reject(error) : resolve())));
}

/** Runs the worktree-create benchmark. */
export async function benchWorktreeCreate(): Promise<void> {
  const repo = makeRepo('worktree-bench');
  for (let i = 0; i < FILES; i++) write(repo, `src/module-${Math.floor(i / 100)}/file-${i}.ts`, `export const v${i} = ${i};\n`.repeat(20));
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'base');
  const app = createApp({
    dataDir: tempDir('pitwall-bench-data-'),
    migrationsDir: MIGRATIONS_DIR,
    shell: 'headless',
    version: 'bench',
    ptyHostLaunch: ptyHostLaunchFromSource,
    transcriptRoots: [],
  });
  const plainRoot = tempDir('pitwall-bench-plain-');
  try {
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const pitwall: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const target = path.join(plainRoot, `plain-${i}`);
      const timePlain = async (): Promise<void> => {
        const t = performance.now();
        await gitAsync(repo, ['worktree', 'add', '--quiet', '-b', `bench/plain-${i}`, target, 'main']);
        plain.push(performance.now() - t);
      };
      // Turns about: the second checkout of a pair finds more of the repository in the page cache.
      if (i % 2 === 1) await timePlain();
      const t = performance.now();
      const wt = value<Worktree>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch: `bench/pitwall-${i}` }));
      pitwall.push(performance.now() - t);
      if (wt.status !== 'active') throw new Error(`worktree ${wt.branch} is ${wt.status}`);
      if (i % 2 === 0) await timePlain();
      // Each run starts from the same state: one checkout, no other worktree.
      await gitAsync(repo, ['worktree', 'remove', '--force', wt.path]);
      await gitAsync(repo, ['worktree', 'remove', '--force', target]);
    }
    const p = median(pitwall);
    const b = median(plain);
    console.log(`\nworktree create, no init script (${FILES} files, ${RUNS} runs, medians)`);
    row('pitwall: worktrees:create', `${p.toFixed(1)} ms`);
    row('baseline: git worktree add -b', `${b.toFixed(1)} ms`);
    row('ratio pitwall / baseline (target <= 1.1)', `${(p / b).toFixed(2)}x`);
  } finally {
    await app.dispose();
    removeTempDirs();
  }
}
