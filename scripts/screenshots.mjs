// `npm run screenshots`: refreshes the README's pictures in docs/screenshots by running the e2e
// tests with their screenshots pointed there (`npm test` keeps them in test-results/, ignored).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tool } from './lib/tool.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PITWALL_SCREENSHOTS_DIR: path.join(root, 'docs', 'screenshots') };
for (const [pkg, binName, args] of [
  ['electron-vite', 'electron-vite', ['build']],
  ['@playwright/test', 'playwright', ['test', ...process.argv.slice(2)]],
]) {
  const [node, script] = tool(root, pkg, binName);
  const result = spawnSync(node, [...script, ...args], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
console.log(`Screenshots written to ${env.PITWALL_SCREENSHOTS_DIR}`);
