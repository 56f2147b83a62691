import path from 'node:path';
import type { SessionServiceOptions } from '../../src-main/agents/session-service';
import { createApp, type App } from '../../src-main/app';
import type { AppConfig } from '../../src-main/config';
import { defaultTranscriptRoots } from '../../src-main/transcripts/transcript-sources';
import { assertPrivateHome } from './private-home';
import { ptyHostLaunchFromSource } from './pty-host-launch';
import { historyWorkerFromSource } from './history-worker-launch';
import { scanLaunchFromSource } from './scan-launch';
import { tempDir } from './temp-dir';

/** The repository's migrations folder. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../db/migrations');

/** A real core over a fresh data dir (real SQLite file, real pty host process); dispose it in afterEach. */
export function makeTestApp(
  dataDir = tempDir('pitwall-data-'),
  env: NodeJS.ProcessEnv = { ...process.env, HOME: dataDir },
  extra: Partial<Omit<AppConfig, 'sessionOptions'>> & { sessionOptions?: SessionServiceOptions } = {},
): App {
  const { sessionOptions, ...rest } = extra;
  assertPrivateHome(env.HOME);
  return createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    shell: 'headless',
    version: 'test',
    ptyHostLaunch: ptyHostLaunchFromSource,
    sessionOptions: { baseEnv: env, stopGraceMs: 500, ...sessionOptions },
    // The agents' HOME is the data dir, so their transcripts land under it, never in the real home.
    transcriptRoots: defaultTranscriptRoots(env, 'linux', env.HOME ?? dataDir),
    transcriptScanLaunch: scanLaunchFromSource,
    historyWorkerLaunch: historyWorkerFromSource,
    ...rest,
  });
}
