// `npm run serve`: builds when the sources are newer than the build, then runs the headless shell.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onParentGone, spawnTied } from './lib/child-lifetime.mjs';
import { checkServeValues, forwardArgs, parseCommandLine, usage } from './lib/cli-options.mjs';
import { electronMajorVersion } from './lib/find-electron.mjs';
import { tool } from './lib/tool.mjs';

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
  const [node, electronVite] = tool(root, 'electron-vite');
  // electron-vite reads Electron's major version for its build targets; without the electron
  // package (a partial install) the headless shell still builds, from the version package.json asks for.
  const env = { ...process.env, ELECTRON_MAJOR_VER: process.env.ELECTRON_MAJOR_VER || electronMajorVersion(root) };
  const result = spawnSync(node, [...electronVite, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env });
  if (result.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(result.status ?? 1);
  }
}

const child = spawnTied(process.execPath, [entry, ...forwardArgs(checked)], { cwd: root });
// Whoever started this (npm, `npm start`) may die without a signal reaching here: the shell stops with it.
onParentGone(() => child.kill('SIGTERM'));
