import path from 'node:path';
import { argValue, resolveDataDir } from './config';
import { builtPtyHostLaunch } from './app';
import { startHeadlessShell } from './headless-shell';

// Entry of the headless shell: `npm run serve -- --port N --data-dir D [--token T]`.

declare const __PITWALL_VERSION__: string | undefined;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const portArg = argValue(argv, 'port') ?? process.env.PITWALL_PORT ?? '4785';
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port "${portArg}": give a number from 0 to 65535 (0 picks a free port).`);
    process.exit(2);
  }
  const appRoot = path.resolve(__dirname, '../..');
  const shell = await startHeadlessShell({
    dataDir: resolveDataDir(argv),
    migrationsDir: path.join(appRoot, 'db', 'migrations'),
    staticDir: path.join(appRoot, 'out', 'renderer'),
    port,
    token: argValue(argv, 'token') ?? process.env.PITWALL_TOKEN,
    version: typeof __PITWALL_VERSION__ === 'string' ? __PITWALL_VERSION__ : '0.0.0-dev',
    ptyHostLaunch: builtPtyHostLaunch(__dirname),
  });
  console.log(`Pitwall listening on ${shell.server.url}`);

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

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`Pitwall could not start: the port is in use. Pick another with --port N (0 picks a free one).`);
  } else {
    console.error(`Pitwall could not start: ${message}`);
  }
  process.exit(1);
});
