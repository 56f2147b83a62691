// `npm run serve`: builds when the sources are newer than the build, then runs the headless shell.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkServeValues, forwardArgs, parseCommandLine, usage } from './lib/cli-options.mjs';

// The command line is checked before the build, so a typo or --help costs no build and starts nothing.
const parsed = parseCommandLine(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(usage('npm run serve --', 'Serves Pitwall on 127.0.0.1 and prints the link to open in a browser.'));
  process.exit(0);
}
const checked = parsed.kind === 'ok' ? checkServeValues(parsed.values) : { ok: false, message: parsed.message };
if (!checked.ok) {
  console.error(`${checked.message}\nRun with --help to see the options.`);
  process.exit(2);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'out', 'main', 'serve.js');

function newestMtime(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const sources = ['src-common', 'src-main', 'src-preload', 'src-renderer', 'db'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
const built = fs.existsSync(entry) && fs.existsSync(path.join(root, 'out', 'renderer', 'index.html')) ? fs.statSync(entry).mtimeMs : 0;
if (built === 0 || Math.max(...sources.map(newestMtime)) > built) {
  console.log('Building Pitwall…');
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(result.status ?? 1);
  }
}

const child = spawn(process.execPath, [entry, ...forwardArgs(checked)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
