// `npm start`: the desktop app, or the headless shell when the Electron binary is not installed.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './lib/find-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = findElectron(root);
if (!electron) {
  console.log('Electron binary not found (installed with ELECTRON_SKIP_BINARY_DOWNLOAD or offline); starting the headless shell instead.');
  run(process.execPath, [path.join(root, 'scripts/serve.mjs'), ...args]);
} else {
  const bin = path.join(root, 'node_modules/.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  for (const [command, commandArgs] of [
    [bin, ['build']],
    [process.execPath, [path.join(root, 'scripts/electron-native.mjs')]],
  ]) {
    const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  run(electron, ['.', ...args]);
}
