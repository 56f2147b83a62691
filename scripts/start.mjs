// `npm start`: the desktop app, or the headless shell when the Electron binary is not installed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onParentGone, spawnTied } from './lib/child-lifetime.mjs';
import { HEADLESS_ONLY, checkServeValues, forwardArgs, parseCommandLine, usage } from './lib/cli-options.mjs';
import { fetchElectron, findElectron } from './lib/find-electron.mjs';
import { tool } from './lib/tool.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const parsed = parseCommandLine(args);
if (parsed.kind === 'help') {
  console.log(
    usage(
      'npm start --',
      'Opens the Pitwall desktop app. Without the Electron binary it starts the headless shell\ninstead and prints the link to open in a browser; --port and the token options apply to that only.',
    ),
  );
  process.exit(0);
}
const checked = parsed.kind === 'ok' ? checkServeValues(parsed.values) : { ok: false, message: parsed.message };
if (!checked.ok) {
  console.error(`${checked.message}\nRun with --help to see the options.`);
  process.exit(2);
}

function run(command, commandArgs) {
  const child = spawnTied(command, commandArgs, { cwd: root });
  // npm gives no channel: if npm itself is killed, stop what this started instead of leaving it serving.
  onParentGone(() => child.kill('SIGTERM'));
}

// `npm install` never downloads Electron's binary (allowScripts), so an offline install works;
// the first `npm start` fetches it, and without it the headless shell serves the same app.
let electron = findElectron(root);
if (!electron) {
  const fetched = fetchElectron(root, (line) => console.log(line));
  electron = fetched.path;
  if (!electron) console.log(`Electron is not available (${fetched.reason}); starting the headless shell instead. ${fetched.hint}`);
}
if (!electron) {
  run(process.execPath, [path.join(root, 'scripts/serve.mjs'), ...forwardArgs(checked)]);
} else {
  const ignored = HEADLESS_ONLY.filter((name) => parsed.values[name] !== undefined);
  // The desktop app takes only the data folder; a token given here is not passed on to sit in its argv.
  if (ignored.length > 0) console.log(`Note: ${ignored.map((n) => `--${n}`).join(', ')} ${ignored.length === 1 ? 'applies' : 'apply'} to the headless shell only; the desktop app ignores ${ignored.length === 1 ? 'it' : 'them'}.`);
  const [node, electronVite] = tool(root, 'electron-vite');
  for (const [command, commandArgs] of [
    [node, [...electronVite, 'build']],
    [process.execPath, [path.join(root, 'scripts/electron-native.mjs')]],
  ]) {
    const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  run(electron, ['.', ...forwardArgs({ ...checked, port: undefined, token: undefined, tokenFile: undefined })]);
}
