import type { EventEmitter } from 'node:events';
import { toDisposable, type Disposable } from '../lifecycle';
import type { UpdateDriver, UpdateDriverEvent } from '../updates/update-service';

/** The part of electron-updater's `autoUpdater` the driver uses (a stand-in in tests). */
export interface AppUpdaterLike extends Pick<EventEmitter, 'on' | 'off'> {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  logger: { info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void } | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

/** How the desktop shell runs and quits around the updater. */
export interface UpdateDriverOptions {
  isPackaged: boolean;
  /** Whether resources/app-update.yml exists (electron-builder writes it when a feed was configured at build time). */
  builtInFeed: boolean;
  /** Stops the agents when asked, disposes the core, and marks the app as quitting, before the installer runs. */
  beforeInstall(stopAgents: boolean): Promise<void>;
}

interface InfoLike {
  version?: unknown;
  releaseNotes?: unknown;
  releaseDate?: unknown;
}

function info(value: unknown): { version: string; releaseNotes: unknown; releaseDate: string | null } {
  const i = (value ?? {}) as InfoLike;
  return { version: typeof i.version === 'string' ? i.version : 'unknown', releaseNotes: i.releaseNotes ?? null, releaseDate: typeof i.releaseDate === 'string' ? i.releaseDate : null };
}

/**
 * electron-updater as the core's update driver. Nothing downloads or installs by itself: the core
 * decides when to download, and installing happens only on the person's restart (or at quit when
 * the policy allows it).
 */
export function electronUpdateDriver(updater: AppUpdaterLike, options: UpdateDriverOptions): UpdateDriver {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowPrerelease = false;
  updater.logger = { info: () => undefined, warn: (m) => console.warn('[updates]', m), error: (m) => console.error('[updates]', m) };
  return {
    builtInFeed: options.builtInFeed,
    unsupportedReason: options.isPackaged ? null : 'Updates apply to the installed app; this one runs from a checkout (update it with git).',
    setFeedUrl: (url) => updater.setFeedURL({ provider: 'generic', url }),
    check: async () => {
      await updater.checkForUpdates();
    },
    download: async () => {
      await updater.downloadUpdate();
    },
    setInstallOnQuit: (value) => {
      updater.autoInstallOnAppQuit = value;
    },
    quitAndInstall: async (stopAgents) => {
      await options.beforeInstall(stopAgents);
      updater.quitAndInstall(false, true);
    },
    onEvent(listener: (event: UpdateDriverEvent) => void): Disposable {
      const handlers: [string, (...args: unknown[]) => void][] = [
        ['checking-for-update', () => listener({ type: 'checking' })],
        ['update-available', (i) => listener({ type: 'available', ...info(i) })],
        ['update-not-available', () => listener({ type: 'not-available' })],
        ['download-progress', (p) => listener({ type: 'progress', percent: Number((p as { percent?: unknown })?.percent ?? 0) })],
        ['update-downloaded', (i) => listener({ type: 'downloaded', ...info(i) })],
        ['error', (e) => listener({ type: 'error', message: e instanceof Error ? e.message : String(e) })],
      ];
      for (const [name, handler] of handlers) updater.on(name, handler);
      return toDisposable(() => {
        for (const [name, handler] of handlers) updater.off(name, handler);
      });
    },
  };
}
