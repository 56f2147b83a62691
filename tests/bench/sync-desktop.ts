// One desktop for the sync benchmark, in its own process: opens its database, runs the real push
// loop until nothing waits, prints the seconds it took as JSON.
import path from 'node:path';
import { openDatabase } from '../../db/client';
import { EventBus } from '../../src-main/events/event-bus';
import { SyncService } from '../../src-main/sync/sync-service';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const handle = openDatabase({ file, migrationsDir: path.resolve(__dirname, '../../db/migrations') });
  const sync = new SyncService(handle.sqlite, new EventBus(), { idleIntervalMs: 60_000, debounceMs: 0, requestTimeoutMs: 120_000 });
  handle.sqlite.prepare(`UPDATE sync_team SET paused = 0`).run();
  const started = performance.now();
  const cpu = process.cpuUsage();
  sync.start();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    await sync.idle();
    const status = sync.status();
    if (status.lastError) throw new Error(status.lastError);
    if (status.queueDepth === 0 && status.state === 'idle') break;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const pushed = sync.status().pushedRows;
  await sync.dispose();
  handle.close();
  console.log(JSON.stringify({ seconds, pushed, cpu: (used.user + used.system) / 1e6 }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
