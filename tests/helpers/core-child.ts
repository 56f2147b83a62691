import readline from 'node:readline';
import type { HookLaunch } from '../../src-main/agents/adapters/agent-adapter';
import { handleUnexpectedErrors } from '../../src-main/unexpected-errors';
import { makeTestApp } from './test-app';

// A core in its own process, as the desktop app or the headless shell runs it, so a test can kill
// it with SIGKILL. Requests come as JSON lines on stdin ({ id, channel, request }) and results go
// out as JSON lines on stdout ({ id, result }); "ready" is printed once start-up is done.

async function main(): Promise<void> {
  // As the shells do (serve.ts, electron/main.ts); tests read stderr to see whether it ever fired.
  handleUnexpectedErrors({ name: 'core', onStorm: () => process.exit(70) });
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: core-child <data dir>');
  const transport = process.env.PITWALL_TEST_HOOK_TRANSPORT as HookLaunch['transport'] | undefined;
  const app = makeTestApp(dataDir, { ...process.env }, transport ? { sessionOptions: { hookTransport: transport } } : {});
  await app.ready;
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const { id, channel, request } = JSON.parse(line) as { id: number; channel: string; request: unknown };
    void app.router.dispatch(channel, request).then((result) => process.stdout.write(`${JSON.stringify({ id, result })}\n`));
  });
  lines.on('close', () => void Promise.resolve(app.dispose()).then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
