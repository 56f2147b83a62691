// `npm test`: every check in order (typecheck, lint, unit, integration, build, e2e); stops at the first failure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tool } from './lib/tool.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (pkg, binName, args) => {
  const [node, script] = tool(root, pkg, binName);
  return [node, [...script, ...args]];
};

const steps = [
  ['typecheck', ...run('typescript', 'tsc', ['-b'])],
  ['lint', ...run('eslint', 'eslint', ['.'])],
  ['unit + integration', ...run('vitest', 'vitest', ['run', '--project', 'unit', '--project', 'integration'])],
  ['chromium', process.execPath, ['scripts/check-chromium.mjs']],
  ['build', ...run('electron-vite', 'electron-vite', ['build'])],
  ['e2e', ...run('@playwright/test', 'playwright', ['test'])],
  ['install without Electron', ...run('vitest', 'vitest', ['run', '--project', 'install'])],
];

// `npm test` must leave the working tree as it found it: tests write only into ignored or temp folders.
function gitStatus() {
  const result = spawnSync('git', ['status', '--porcelain=v1', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? new Set(result.stdout.split('\n').filter(Boolean)) : null;
}
const statusBefore = gitStatus();

for (const [name, command, args] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const statusAfter = gitStatus();
if (statusBefore && statusAfter) {
  const changed = [...statusAfter].filter((line) => !statusBefore.has(line));
  if (changed.length > 0) {
    console.error(`\n✖ the tests changed the working tree (they must write only into ignored or temp folders):\n${changed.join('\n')}`);
    process.exit(1);
  }
  console.log('✔ working tree unchanged by the tests');
}
