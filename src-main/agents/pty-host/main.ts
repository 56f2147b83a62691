import { createRequire } from 'node:module';
import { argValue } from '../../config';
import { handleUnexpectedErrors } from '../../unexpected-errors';
import { PtyHostServer, type PtyModule } from './pty-host-server';

// Entry of the pty host process: `pty-host.js --socket S --scrollback-dir D`. Started detached by
// the core, so agents outlive a restart of the main process or the headless shell.

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const socketPath = argValue(argv, 'socket');
  const scrollbackDir = argValue(argv, 'scrollback-dir');
  if (!socketPath || !scrollbackDir) {
    console.error('usage: pty-host --socket <path> --scrollback-dir <dir>');
    process.exit(2);
  }
  // Under Electron the host loads a node-pty copy built for Electron's ABI.
  const load = createRequire(__filename);
  const ptyModule = load(process.env.PITWALL_NODE_PTY ?? 'node-pty') as PtyModule;
  let server: PtyHostServer | null = null;
  const exit = (): void => {
    (server?.close() ?? Promise.resolve())
      .catch((error: unknown) => console.error('[pty-host] closing failed', error))
      .finally(() => process.exit(0));
  };
  server = new PtyHostServer(socketPath, scrollbackDir, ptyModule, exit, Number(process.env.PITWALL_PTY_HOST_IDLE_MS ?? 60_000));
  // One bad moment must not end the host: every agent would end with it.
  handleUnexpectedErrors({ name: 'pty-host' });
  await server.listen();
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  // The parent waits for this line before connecting.
  process.stdout.write('pty-host ready\n');
}

main().catch((error: unknown) => {
  console.error(`pty host failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
