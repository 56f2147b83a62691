import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { worktreeChanges } from '../../src-main/git/diff';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { median, row } from './bench-utils';

// Producing and parsing the diff of a worktree with 2,000 changed files, next to the plain git
// CLI doing `git diff --stat` plus `git diff` for the same worktree in the same run.

const FILES = Number(process.env.BENCH_DIFF_FILES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Runs the diff benchmark. */
export async function benchDiff(): Promise<void> {
  try {
    const repo = makeRepo('diff-bench');
    for (let i = 0; i < FILES; i++) write(repo, `src/module-${Math.floor(i / 100)}/file-${i}.ts`, Array.from({ length: 60 }, (_, j) => `export const v${j} = ${j};`).join('\n') + '\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    const wt = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'work', wt, 'main');
    // Half committed on the branch, half left as unstaged edits: every file changes.
    for (let i = 0; i < FILES; i++) {
      write(wt, `src/module-${Math.floor(i / 100)}/file-${i}.ts`, Array.from({ length: 60 }, (_, j) => (j % 10 === 0 ? `export const v${j} = ${j * 2}; // changed` : `export const v${j} = ${j};`)).join('\n') + '\n');
      if (i === Math.floor(FILES / 2)) {
        git(wt, 'add', '.');
        git(wt, 'commit', '--quiet', '-m', 'first half');
      }
    }
    const pitwall: number[] = [];
    const cli: number[] = [];
    let lines = 0;
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const { files } = await worktreeChanges(wt, 'main');
      pitwall.push(performance.now() - t);
      lines = files.reduce((n, f) => n + f.additions + f.deletions, 0);
      if (files.length !== FILES) throw new Error(`expected ${FILES} files, got ${files.length}`);
      t = performance.now();
      execFileSync('git', ['diff', '--stat', 'main'], { cwd: wt, maxBuffer: 1 << 30 });
      execFileSync('git', ['diff', 'main'], { cwd: wt, maxBuffer: 1 << 30 });
      cli.push(performance.now() - t);
    }
    const p = median(pitwall);
    const c = median(cli);
    console.log(`\ndiff of a worktree with ${FILES} changed files (${lines} changed lines, ${RUNS} runs, medians)`);
    row('pitwall: produce + parse (incl. untracked)', `${p.toFixed(0)} ms`);
    row('git diff --stat + git diff (baseline)', `${c.toFixed(0)} ms`);
    row('ratio pitwall / baseline', `${(p / c).toFixed(2)}x`);
  } finally {
    removeTempDirs();
  }
}
