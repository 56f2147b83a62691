import type { UpdateStatus } from '../../src-common/domain/update';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { DisposableStore, toDisposable, type Disposable } from '../lifecycle';
import type { SettingsService } from '../settings/settings-service';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, initialStatus, installOnQuit, releaseNotesText, resolveFeed, restartPlan } from './update-policy';

/** What the updater reports. */
export type UpdateDriverEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string; releaseNotes: unknown; releaseDate: string | null }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string; releaseNotes: unknown; releaseDate: string | null }
  | { type: 'error'; message: string };

/** The updater itself (electron-updater in the desktop shell); absent in the headless shell. */
export interface UpdateDriver {
  /** Whether the packaged app carries a feed of its own (app-update.yml). */
  readonly builtInFeed: boolean;
  /** Null: updates cannot work in this build (not packaged, say), with the reason. */
  readonly unsupportedReason: string | null;
  setFeedUrl(url: string): void;
  check(): Promise<void>;
  download(): Promise<void>;
  /** Whether a downloaded update installs when the app quits. */
  setInstallOnQuit(value: boolean): void;
  /** Quits (stopping the agents first when asked) and installs. */
  quitAndInstall(stopAgents: boolean): Promise<void>;
  onEvent(listener: (event: UpdateDriverEvent) => void): Disposable;
}

/** Timers, replaceable in tests. */
export interface UpdateTimers {
  setTimeout(fn: () => void, ms: number): Disposable;
  setInterval(fn: () => void, ms: number): Disposable;
}

const realTimers: UpdateTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return toDisposable(() => clearTimeout(t));
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return toDisposable(() => clearInterval(t));
  },
};

/**
 * Opt-in updates of the desktop app: checks the configured feed (after start, then every six
 * hours), downloads what it finds, and keeps the version and its release notes for the person to
 * read before choosing to restart; restarting over running agents needs their answer.
 */
export class UpdateService implements Disposable {
  private driver: UpdateDriver | null = null;
  private state: UpdateStatus;
  private readonly store = new DisposableStore();
  private schedule: Disposable[] = [];
  /** The feed the checks are scheduled for; null when none are. */
  private scheduledFor: string | null = null;

  constructor(
    private readonly events: EventBus,
    private readonly settings: Pick<SettingsService, 'get'>,
    private readonly agents: { runningCount(): number },
    private readonly options: { platform: NodeJS.Platform; version: string; clock?: Clock; timers?: UpdateTimers },
  ) {
    this.state = this.initial();
    this.store.add(events.on('settings:changed', () => this.apply()));
  }

  /** Connects the updater (the desktop shell does, once it has one). */
  attach(driver: UpdateDriver): void {
    this.driver = driver;
    this.store.add(driver.onEvent((event) => this.onDriverEvent(event)));
    this.apply();
  }

  status(): UpdateStatus {
    return this.state;
  }

  /** Checks the feed now. */
  async check(): Promise<UpdateStatus> {
    const driver = this.ready();
    await driver.check().catch((error: unknown) => this.onDriverEvent({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
    return this.state;
  }

  /**
   * Restarts into the downloaded update. With agents running it first needs the person's answer
   * (`keep` them running, or `stop` them); without one it answers `agents_running`.
   */
  async install(answer?: 'keep' | 'stop'): Promise<UpdateStatus> {
    const driver = this.ready();
    if (this.state.phase !== 'ready') throw new AppError('invalid_request', 'No update has been downloaded yet');
    const plan = restartPlan(this.options.platform, this.agents.runningCount(), answer);
    if (plan.action === 'ask') {
      throw new AppError('agents_running', `${plan.running} agent${plan.running === 1 ? ' is' : 's are'} running. Keep ${plan.running === 1 ? 'it' : 'them'} running through the restart, or stop ${plan.running === 1 ? 'it' : 'them'} first?`);
    }
    if (plan.action === 'refuse') throw new AppError('agents_running', plan.reason);
    driver.setInstallOnQuit(true);
    await driver.quitAndInstall(plan.stopAgents);
    return this.state;
  }

  /** Called as the app quits: whether a downloaded update may install then. */
  prepareQuit(agentsKept: boolean): void {
    this.driver?.setInstallOnQuit(this.state.phase === 'ready' && installOnQuit(this.options.platform, agentsKept));
  }

  dispose(): Promise<void> {
    this.clearSchedule();
    return this.store.dispose();
  }

  private ready(): UpdateDriver {
    if (!this.driver) throw new AppError('invalid_request', 'Updates are installed by the desktop app; the headless shell updates with your checkout');
    if (this.driver.unsupportedReason) throw new AppError('invalid_request', this.driver.unsupportedReason);
    const { enabled } = this.settings.get().updates;
    if (!enabled) throw new AppError('invalid_request', 'Turn automatic updates on first');
    if (this.state.phase === 'no-feed') throw new AppError('invalid_request', 'No update feed is configured');
    return this.driver;
  }

  private initial(): UpdateStatus {
    const { enabled, feedUrl } = this.settings.get().updates;
    return initialStatus({
      supported: this.driver !== null && this.driver.unsupportedReason === null,
      unsupportedReason: this.driver?.unsupportedReason ?? 'Updates are installed by the desktop app; the headless shell updates with your checkout.',
      enabled,
      feed: resolveFeed({ feedUrl }, this.driver?.builtInFeed ?? false),
      version: this.options.version,
      platform: this.options.platform,
    });
  }

  /** Follows the settings: (re)schedules checks when on with a feed, stops them otherwise. */
  private apply(): void {
    const fresh = this.initial();
    const stopped = (phase: UpdateStatus['phase']): boolean => phase === 'unsupported' || phase === 'disabled' || phase === 'no-feed';
    // Turning updates off shows at once; otherwise a check or download under way keeps its state.
    if (stopped(fresh.phase) || stopped(this.state.phase)) this.set(fresh);
    const driver = this.driver;
    const { feedUrl } = this.settings.get().updates;
    const feed = resolveFeed({ feedUrl }, driver?.builtInFeed ?? false);
    const key = stopped(fresh.phase) || !driver ? null : JSON.stringify(feed);
    if (key === this.scheduledFor) return;
    this.scheduledFor = key;
    this.clearSchedule();
    if (key === null || !driver) return;
    if (feed.kind === 'generic') driver.setFeedUrl(feed.url);
    const timers = this.options.timers ?? realTimers;
    const run = (): void => {
      // A downloaded (or downloading) update waits for the person; checking again adds nothing.
      if (this.state.phase === 'ready' || this.state.phase === 'downloading' || this.state.phase === 'checking') return;
      void this.check().catch((error: unknown) => console.error('[updates] check failed', error));
    };
    this.schedule = [timers.setTimeout(run, FIRST_CHECK_DELAY_MS), timers.setInterval(run, CHECK_INTERVAL_MS)];
  }

  private clearSchedule(): void {
    for (const d of this.schedule) Promise.resolve(d.dispose()).catch((error: unknown) => console.error('[updates] clearing the schedule failed', error));
    this.schedule = [];
  }

  private onDriverEvent(event: UpdateDriverEvent): void {
    const now = (this.options.clock ?? systemClock)();
    switch (event.type) {
      case 'checking':
        if (this.state.phase !== 'downloading' && this.state.phase !== 'ready') this.set({ ...this.state, phase: 'checking', detail: null });
        break;
      case 'not-available':
        if (this.state.phase !== 'ready') this.set({ ...this.state, phase: 'up-to-date', version: null, releaseNotes: null, releaseDate: null, progress: null, detail: null, checkedAt: now });
        break;
      case 'available':
        if (this.state.phase === 'ready' && this.state.version === event.version) break;
        this.set({ ...this.state, phase: 'downloading', version: event.version, releaseNotes: releaseNotesText(event.releaseNotes), releaseDate: event.releaseDate, progress: 0, detail: null, checkedAt: now });
        this.driver?.download().catch((error: unknown) => this.onDriverEvent({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
        break;
      case 'progress':
        if (this.state.phase === 'downloading') this.set({ ...this.state, progress: Math.max(0, Math.min(100, Math.round(event.percent))) });
        break;
      case 'downloaded':
        this.set({ ...this.state, phase: 'ready', version: event.version, releaseNotes: releaseNotesText(event.releaseNotes) ?? this.state.releaseNotes, releaseDate: event.releaseDate ?? this.state.releaseDate, progress: 100, detail: null });
        break;
      case 'error':
        // A failed check never loses an update that is already downloaded.
        if (this.state.phase === 'ready') break;
        this.set({ ...this.state, phase: 'error', progress: null, detail: event.message, checkedAt: now });
        break;
    }
  }

  private set(next: UpdateStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.state);
    this.state = next;
    if (changed) this.events.emit('updates:changed', next);
  }
}
