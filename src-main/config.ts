import os from 'node:os';
import path from 'node:path';
import type { PtyHostLaunch } from './agents/pty-host-client';
import type { SessionServiceOptions } from './agents/session-service';
import type { UserEnvironmentOptions } from './agents/user-environment';
import type { TranscriptRoot } from './transcripts/transcript-sources';
import type { HistoryWorkerLauncher } from './transcripts/history-client';
import type { ScanLauncher } from './transcripts/transcript-service';
import type { SyncServiceOptions } from './sync/sync-service';

/** What the core is built from; both shells make one and hand it to `createApp`. */
export interface AppConfig {
  dataDir: string;
  migrationsDir: string;
  shell: 'electron' | 'headless';
  version: string;
  /** better-sqlite3 binary for the running runtime (Electron's ABI differs from Node's). */
  sqliteNativeBinding?: string;
  /** How to start the pty host; defaults to the built `pty-host.js` (tests run it from source). */
  ptyHostLaunch?: (socketPath: string, scrollbackDir: string) => PtyHostLaunch;
  /** Folder holding hook and other runtime resources; defaults to `<app root>/resources`. */
  resourcesDir?: string;
  /** Turns a pending approval into a deny after this long; unset waits for a person for ever. */
  approvalTimeoutMs?: number;
  /** PATH to search for CLIs besides the login shell's (tests put stand-ins first). */
  searchPath?: string;
  /** Session tunables (tests shorten the stop grace period, pin the environment agents start from). */
  sessionOptions?: SessionServiceOptions;
  /** How the user's environment is resolved (tests pick the login shell). */
  userEnvironment?: Pick<UserEnvironmentOptions, 'shell' | 'timeoutMs'>;
  /** The transcript folders watched by default; defaults to the platform's (`~/.claude/projects`, …). */
  transcriptRoots?: TranscriptRoot[];
  /** How to start the first-scan worker; defaults to the built `transcript-scan.js` (tests run it from source). */
  transcriptScanLaunch?: ScanLauncher;
  /** How to start a history reader thread; defaults to the built `history-worker.js` (tests run it from source). */
  historyWorkerLaunch?: HistoryWorkerLauncher;
  /** How long a rewritten whole-file transcript must be quiet before it is read (tests lengthen it). */
  transcriptDebounceMs?: number;
  /** Team sync tunables (tests shorten the timeouts and retries). */
  syncOptions?: Partial<SyncServiceOptions>;
}

/** The platform's app-data folder for Pitwall (`~/.config/pitwall` on Linux). */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'pitwall');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'pitwall');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pitwall');
}

/** Value of `--name value` or `--name=value` in argv, if present. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** Data dir from `--data-dir`, then `PITWALL_DATA_DIR`, then the platform default; always absolute. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return dataDirFrom(argValue(argv, 'data-dir'), env);
}

/** Data dir from a given folder, then `PITWALL_DATA_DIR`, then the platform default; always absolute. */
export function dataDirFrom(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = given ?? env.PITWALL_DATA_DIR;
  return path.resolve(chosen && chosen.length > 0 ? chosen : defaultDataDir(process.platform, env));
}
