import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { watch, type FSWatcher } from 'chokidar';
import type { WriteTurns } from '../../db/write-turns';
import type { TranscriptRootView, TranscriptScanProgress } from '../../src-common/domain/transcript';
import type { EventBus } from '../events/event-bus';
import type { Disposable } from '../lifecycle';
import type { SettingsService } from '../settings/settings-service';
import type { TranscriptSourceId } from './parsed';
import { projectResolverFor } from './project-resolver';
import type { ScanWorkerData, ScanWorkerMessage } from './scan-worker';
import { TranscriptIngester } from './transcript-ingester';
import { isIgnoredDir, isShadowedArchive, isTranscriptFile, rootDepth, type TranscriptRoot } from './transcript-sources';
import { TranscriptStore } from './transcript-store';

/** After the last change of a line file, when it is read once more (a change can go unreported). */
const RECHECK_MS = 50;

/** A running first scan, as the service sees it (a worker thread in the app). */
export interface ScanHandle {
  onMessage(listener: (message: ScanWorkerMessage) => void): void;
  onExit(listener: (error: Error | null) => void): void;
  stop(): Promise<void>;
}

/** Starts a scan worker over the roots. */
export type ScanLauncher = (data: ScanWorkerData) => ScanHandle;

/** What the transcript service needs besides the database. */
export interface TranscriptServiceOptions {
  dbFile: string;
  migrationsDir: string;
  nativeBinding: string | null;
  defaultRoots: TranscriptRoot[];
  launchScan: ScanLauncher;
  /** The core connection's write count: the scan worker makes way for the core's writes. */
  writeTurns?: WriteTurns;
  /**
   * How long a whole-file session (VS Code's `.json`, rewritten in place) must be quiet before it is
   * read. Line files (`.jsonl`) are read at once: only their complete lines are taken, so an append
   * is searchable as soon as it lands and a half-written last line waits for its newline.
   */
  debounceMs?: number;
  /** How often a half-written whole-file session is tried again, and how many times. */
  retryMs?: number;
  maxRetries?: number;
}

/**
 * Watches the transcript roots and keeps the database in step: a first scan in a worker, then every
 * change read as it happens. Changes seen during the scan wait for it, so one file is never read twice at once.
 */
export class TranscriptService implements Disposable {
  private readonly store: TranscriptStore;
  private readonly ingester: TranscriptIngester;
  private watchers: FSWatcher[] = [];
  private readonly watchedPaths = new Set<string>();
  private scan: ScanHandle | null = null;
  private progressNow: TranscriptScanProgress | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly retries = new Map<string, number>();
  private readonly deferred = new Map<string, TranscriptSourceId>();
  private readonly running = new Map<string, Promise<void>>();
  /** Files with a read queued behind the running one: more changes while it waits need no more reads. */
  private readonly queued = new Set<string>();
  private changedSessions = new Set<string>();
  private changedTimer: NodeJS.Timeout | null = null;
  private rootPoll: NodeJS.Timeout | null = null;
  private reattributeTimer: NodeJS.Timeout | null = null;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;
  /** The restart under way, and whether another was asked for meanwhile (restarts never overlap). */
  private restarting: Promise<void> | null = null;
  private restartAgain = false;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly events: EventBus,
    private readonly settings: SettingsService,
    private readonly options: TranscriptServiceOptions,
  ) {
    // The scan worker rebuilds the rollup when the zone changed; this store only counts new days in it.
    this.store = new TranscriptStore(sqlite, projectResolverFor(sqlite), { timeZone: settings.get().usageTimeZone });
    this.ingester = new TranscriptIngester(this.store);
  }

  /** Every root: the defaults and the ones added, with whether each is on and exists. */
  roots(): TranscriptRootView[] {
    const { transcriptRoots } = this.settings.get();
    const all = [
      ...this.options.defaultRoots.map((r) => ({ ...r, builtIn: true })),
      ...transcriptRoots.added.filter((a) => !this.options.defaultRoots.some((d) => d.path === a.path)).map((r) => ({ ...r, builtIn: false })),
    ];
    return all.map((r) => ({ ...r, enabled: !transcriptRoots.disabled.includes(r.path), exists: fs.existsSync(r.path) }));
  }

  /** The roots that are watched: on and present. */
  private activeRoots(): TranscriptRoot[] {
    return this.roots()
      .filter((r) => r.enabled && r.exists)
      .map(({ source, path }) => ({ source, path }));
  }

  /** Adds a root, or turns one on or off; watching restarts over the new set. */
  updateRoot(change: { source: TranscriptSourceId; path: string; enabled?: boolean; remove?: boolean }): TranscriptRootView[] {
    const current = this.settings.get().transcriptRoots;
    const builtIn = this.options.defaultRoots.some((r) => r.path === change.path);
    let added = current.added.filter((a) => a.path !== change.path);
    if (!builtIn && !change.remove) added = [...added, { source: change.source, path: change.path }];
    let disabled = current.disabled.filter((p) => p !== change.path);
    if (change.enabled === false && !change.remove) disabled = [...disabled, change.path];
    this.settings.update({ transcriptRoots: { added, disabled } });
    this.requestRestart();
    return this.roots();
  }

  /** The first scan's progress (null before it starts). */
  progress(): TranscriptScanProgress | null {
    return this.progressNow;
  }

  /** Starts watching and the first scan. */
  start(): void {
    // Sessions follow their folder to a project added, moved or removed later; usage days follow the zone setting.
    this.subscriptions.push(
      this.events.on('projects:changed', () => this.reattributeSoon()),
      this.events.on('worktrees:changed', () => this.reattributeSoon()),
      this.events.on('settings:changed', () => {
        const zone = this.settings.get().usageTimeZone;
        if (zone === this.store.timeZone()) return;
        this.store.useTimeZone(zone, false);
        this.requestRestart();
      }),
    );
    this.watchRoots();
    this.startScan();
    // Roots that do not exist yet (a CLI installed later) are picked up when they appear.
    this.rootPoll = setInterval(() => {
      const missing = this.roots().some((r) => r.enabled && r.exists && !this.watchedPaths.has(r.path));
      if (missing) this.requestRestart();
    }, 10_000);
    this.rootPoll.unref();
  }

  /** Re-attributes sessions to projects shortly after a change (a worktree created makes a burst of events). */
  private reattributeSoon(): void {
    if (this.disposed || this.reattributeTimer) return;
    this.reattributeTimer = setTimeout(() => {
      this.reattributeTimer = null;
      if (this.disposed) return;
      try {
        for (const id of this.store.reattribute()) this.sessionChanged(id);
      } catch (error) {
        console.error('[transcripts] re-attributing sessions to projects failed', error);
      }
    }, 50);
  }

  /**
   * Restarts watching and the scan over the current roots. Asked again while one runs, it runs
   * once more after it (never two at once: each would start a worker and a set of watchers).
   * {@link restarted} resolves when it is done.
   */
  requestRestart(): void {
    if (this.restarting) {
      this.restartAgain = true;
      return;
    }
    const run = (async () => {
      do {
        this.restartAgain = false;
        await this.stopWatching();
        if (this.disposed) return;
        this.watchRoots();
        this.startScan();
      } while (this.restartAgain && !this.disposed);
    })()
      .catch((error: unknown) => console.error('[transcripts] restarting the watchers failed', error))
      .finally(() => {
        this.restarting = null;
      });
    this.restarting = run;
  }

  /** Resolves when no restart is under way (those asked for meanwhile included); never rejects. */
  async restarted(): Promise<void> {
    while (this.restarting) await this.restarting;
  }

  /** Live watchers and scan workers (for tests and diagnostics). */
  stats(): { watchers: number; scanning: boolean } {
    return { watchers: this.watchers.length, scanning: this.scan !== null };
  }

  private startScan(): void {
    const roots = this.activeRoots();
    const scan = this.options.launchScan({
      dbFile: this.options.dbFile,
      migrationsDir: this.options.migrationsDir,
      nativeBinding: this.options.nativeBinding,
      roots,
      timeZone: this.store.timeZone(),
      ...(this.options.writeTurns ? { writeTurns: this.options.writeTurns.buffer } : {}),
    });
    this.scan = scan;
    let progress: TranscriptScanProgress = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, problems: 0, done: false, error: null };
    this.progressNow = progress;
    const report = (next: TranscriptScanProgress): void => {
      progress = this.progressNow = next;
      this.events.emit('transcripts:progress', next);
    };
    scan.onMessage((message) => {
      if (this.scan !== scan) return;
      if (message.type === 'progress') {
        const { type: _type, ...counts } = message;
        report({ ...counts, error: null });
      } else if (message.type === 'file') {
        if (message.sessionId) this.sessionChanged(message.sessionId);
      } else if (message.type === 'error') {
        report({ ...progress, done: true, error: message.message });
      }
    });
    scan.onExit((error) => {
      // Stopped by terminate inside a transaction, the worker could not say its turn was over.
      this.options.writeTurns?.bulkGone();
      if (this.scan !== scan) return;
      this.scan = null;
      if (error && !progress.done) report({ ...progress, done: true, error: error.message });
      // A scan that died (or was stopped) before indexing its rows for search and counting its sessions' totals leaves them to this one.
      try {
        this.store.catchUp();
      } catch (indexError) {
        console.error('[transcripts] indexing scanned rows for search or counting their totals failed', indexError);
      }
      for (const [file, source] of this.deferred) this.schedule(file, source);
      this.deferred.clear();
    });
  }

  private watchRoots(): void {
    for (const root of this.activeRoots()) {
      const watcher = watch(root.path, {
        ignoreInitial: true,
        persistent: true,
        depth: rootDepth(root.source),
        ignored: (p, stats) => (stats?.isDirectory() ? isIgnoredDir(root, p) : stats?.isFile() ? !isTranscriptFile(root, p) : false),
      });
      const onFile = (file: string): void => {
        if (isTranscriptFile(root, file) && !isShadowedArchive(root, file)) this.schedule(file, root.source);
      };
      watcher.on('add', onFile).on('change', onFile);
      watcher.on('error', (error) => console.error(`[transcripts] watching ${root.path} failed`, error));
      this.watchers.push(watcher);
      this.watchedPaths.add(root.path);
    }
  }

  /**
   * Reads a file soon, never twice at once. A line file is read at once (one read queued behind a
   * running one covers any number of changes meanwhile); a whole-file session after it has been quiet.
   */
  private schedule(file: string, source: TranscriptSourceId, delay?: number): void {
    if (this.disposed) return;
    if (this.scan) {
      this.deferred.set(file, source);
      return;
    }
    const wait = delay ?? (file.endsWith('.jsonl') ? 0 : (this.options.debounceMs ?? 75));
    if (wait === 0) {
      // The watcher drops a change that lands within the same file-time tick as the one before, so a
      // trailing read after the burst picks up what that one brought (one stat when nothing did).
      this.later(file, source, RECHECK_MS);
      if (this.queued.has(file)) return;
      this.queued.add(file);
      this.ingestNow(file, source).catch((error: unknown) => console.error(`[transcripts] reading ${file} failed`, error));
      return;
    }
    this.later(file, source, wait);
  }

  private later(file: string, source: TranscriptSourceId, wait: number): void {
    const existing = this.timers.get(file);
    if (existing) clearTimeout(existing);
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        if (this.queued.has(file)) return;
        this.queued.add(file);
        this.ingestNow(file, source).catch((error: unknown) => console.error(`[transcripts] reading ${file} failed`, error));
      }, wait),
    );
  }

  /** Reads one file now, after any read of it still running. */
  private async ingestNow(file: string, source: TranscriptSourceId): Promise<void> {
    const before = this.running.get(file);
    const run = (async () => {
      if (before) await before;
      // From here on a change is not covered by this read: it queues the next one.
      this.queued.delete(file);
      if (this.disposed) return;
      const result = await this.ingester.ingest(file, source);
      if (result.outcome === 'partial') {
        const tries = (this.retries.get(file) ?? 0) + 1;
        this.retries.set(file, tries);
        if (tries <= (this.options.maxRetries ?? 10)) this.schedule(file, source, this.options.retryMs ?? 500);
      } else this.retries.delete(file);
      if (result.sessionId && result.outcome !== 'unchanged') this.sessionChanged(result.sessionId);
    })();
    this.running.set(file, run);
    try {
      await run;
    } finally {
      if (this.running.get(file) === run) this.running.delete(file);
    }
  }

  /** Coalesces change notices: a busy file or a scan would otherwise send one per line. */
  private sessionChanged(sessionId: string): void {
    this.changedSessions.add(sessionId);
    if (this.changedTimer) return;
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null;
      const ids = [...this.changedSessions];
      this.changedSessions = new Set();
      if (!this.disposed) this.events.emit('transcripts:changed', { sessionIds: ids });
    }, 100);
  }

  private async stopWatching(): Promise<void> {
    // Taken before the first await, so whatever starts meanwhile is not closed with them.
    const scan = this.scan;
    const watchers = this.watchers;
    this.scan = null;
    this.watchers = [];
    this.watchedPaths.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...watchers.map((w) => w.close()), scan?.stop()]);
  }

  /** Resolves when the first scan has finished (for tests and the bench). */
  async scanDone(): Promise<void> {
    while (this.scan) await new Promise((r) => setTimeout(r, 20));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) await s.dispose();
    if (this.reattributeTimer) clearTimeout(this.reattributeTimer);
    if (this.rootPoll) clearInterval(this.rootPoll);
    if (this.changedTimer) clearTimeout(this.changedTimer);
    await this.restarted();
    await this.stopWatching();
    await Promise.allSettled([...this.running.values()]);
  }
}
