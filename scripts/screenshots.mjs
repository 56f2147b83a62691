// `npm run screenshots`: refreshes the README's pictures in docs/screenshots by running the e2e
// tests with their screenshots pointed there (`npm test` keeps them in test-results/, ignored).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const env = { ...process.env, PITWALL_SCREENSHOTS_DIR: path.join(root, 'docs', 'screenshots') };
for (const [command, args] of [
  [bin('electron-vite'), ['build']],
  [bin('playwright'), ['test', ...process.argv.slice(2)]],
]) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
console.log(`Screenshots written to ${env.PITWALL_SCREENSHOTS_DIR}`);
