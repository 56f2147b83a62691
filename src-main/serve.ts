import fs from 'node:fs';
import path from 'node:path';
import { checkServeValues, parseCommandLine, usage } from '../scripts/lib/cli-options.mjs';
import { builtPtyHostLaunch } from './app';
import { dataDirFrom } from './config';
import { startHeadlessShell } from './headless-shell';
import { handleUnexpectedErrors } from './unexpected-errors';
import { chooseToken } from './http/token-source';

// Entry of the headless shell: `npm run serve -- --port N --data-dir D [--token-file F]`.

declare const __PITWALL_VERSION__: string | undefined;

async function main(): Promise<void> {
  // One bad moment (a rejected promise nobody awaited) must not end the core and every request in
  // flight; a storm of uncaught exceptions does end it (the next start's sweep picks up after it).
  handleUnexpectedErrors({ name: 'core', onStorm: () => process.exit(70) });
  const argv = process.argv.slice(2);
  const parsed = parseCommandLine(argv);
  if (parsed.kind === 'help') {
    console.log(usage('npm run serve --', 'Serves Pitwall on 127.0.0.1 and prints the link to open in a browser.'));
    process.exit(0);
  }
  if (parsed.kind === 'error') fail(parsed.message);
  const values = checkServeValues(parsed.values);
  if (!values.ok) fail(values.message);
  const token = chooseToken({ flag: values.token, file: values.tokenFile, env: process.env.PITWALL_TOKEN });
  if (!token.ok) fail(token.message);
  // Nothing Pitwall starts (the pty host, git, init scripts) needs the token: keep it in this process only.
  delete process.env.PITWALL_TOKEN;

  const appRoot = appRootFrom(__dirname);
  const shell = await startHeadlessShell({
    dataDir: dataDirFrom(values.dataDir),
    migrationsDir: path.join(appRoot, 'db', 'migrations'),
    staticDir: path.join(appRoot, 'out', 'renderer'),
    port: values.port,
    token: token.token,
    version: typeof __PITWALL_VERSION__ === 'string' ? __PITWALL_VERSION__ : '0.0.0-dev',
    ptyHostLaunch: builtPtyHostLaunch(__dirname),
  });
  console.log(`Pitwall listening on ${shell.server.url}`);
  if (token.origin === 'flag') console.log('Note: --token is visible to every user of this machine in `ps`; prefer --token-file or PITWALL_TOKEN.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.resolve(shell.dispose()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Pitwall did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The folder holding package.json above `dir` (out/main when built, src-main when run from source in tests). */
function appRootFrom(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir, '../..');
  }
}

/** A command-line mistake: say what, point at --help, exit 2 (the usual code for usage errors). */
function fail(message: string): never {
  console.error(`${message}\nRun with --help to see the options.`);
  process.exit(2);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`Pitwall could not start: the port is in use. Pick another with --port N (0 picks a free one).`);
  } else {
    console.error(`Pitwall could not start: ${message}`);
  }
  process.exit(1);
});
