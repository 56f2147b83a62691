// A desktop core in its own process, for tests that kill it with SIGKILL and start it again on the
// same data folder. PITWALL_TEST_SYNC_FAULT names a fault point of the push loop where this process
// kills itself; it exists only here, in a test helper.
import path from 'node:path';
import { createApp } from '../../src-main/app';
import { defaultTranscriptRoots } from '../../src-main/transcripts/transcript-sources';
import { ptyHostLaunchFromSource } from './pty-host-launch';
import { historyWorkerFromSource } from './history-worker-launch';
import { scanLaunchFromSource } from './scan-launch';

const dataDir = process.argv[2]!;
const fault = process.env.PITWALL_TEST_SYNC_FAULT;
const app = createApp({
  dataDir,
  migrationsDir: path.resolve(__dirname, '../../db/migrations'),
  shell: 'headless',
  version: 'test',
  ptyHostLaunch: ptyHostLaunchFromSource,
  transcriptRoots: defaultTranscriptRoots({ HOME: dataDir }, 'linux', dataDir),
  transcriptScanLaunch: scanLaunchFromSource,
  historyWorkerLaunch: historyWorkerFromSource,
  syncOptions: {
    requestTimeoutMs: Number(process.env.PITWALL_TEST_SYNC_TIMEOUT_MS ?? 3000),
    retryBaseMs: 100,
    retryMaxMs: 800,
    idleIntervalMs: 300,
    debounceMs: 20,
    ...(fault ? { faultHook: (point) => point === fault && process.kill(process.pid, 'SIGKILL') } : {}),
  },
});
console.log('desktop ready');
process.on('SIGTERM', () => void Promise.resolve(app.dispose()).then(() => process.exit(0)));
