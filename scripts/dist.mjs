// `npm run dist`: builds, then packages the installers for this platform with electron-builder
// (extra arguments pass through: `npm run dist -- --linux AppImage`). electron-builder rebuilds
// the native modules in node_modules for Electron's ABI; their Node builds are put back afterwards
// so `npm test` and the headless shell keep working. Needs the network (Electron, its headers, and
// the packaging tools are downloaded on first use).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const NATIVE = ['better-sqlite3', 'node-pty'];
const backup = path.join(root, '.native', 'node-builds');

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', env });
  return result.status ?? 1;
}

// The native modules must be compiled against Electron's headers: an npm `nodedir` setting
// (which points node-gyp at this Node's headers) would silently build them for Node's ABI.
const builderEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'));

if (run(bin('electron-vite'), ['build']) !== 0) process.exit(1);

fs.rmSync(backup, { recursive: true, force: true });
for (const name of NATIVE) {
  const build = path.join(root, 'node_modules', name, 'build');
  if (fs.existsSync(build)) fs.cpSync(build, path.join(backup, name), { recursive: true });
}
let status = 1;
try {
  status = run(bin('electron-builder'), ['--config', 'electron-builder.config.ts', '--publish', 'never', ...process.argv.slice(2)], builderEnv);
} finally {
  for (const name of NATIVE) {
    const saved = path.join(backup, name);
    if (!fs.existsSync(saved)) continue;
    const build = path.join(root, 'node_modules', name, 'build');
    fs.rmSync(build, { recursive: true, force: true });
    fs.cpSync(saved, build, { recursive: true });
  }
  fs.rmSync(backup, { recursive: true, force: true });
}
if (status === 0) console.log(`\nInstallers are in ${path.join(root, 'dist')}`);
process.exit(status);
