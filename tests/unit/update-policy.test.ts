import { describe, expect, it } from 'vitest';
import { appSettingsSchema, type AppSettings } from '../../src-common/domain/settings';
import type { UpdateStatus } from '../../src-common/domain/update';
import { EventBus } from '../../src-main/events/event-bus';
import { toDisposable } from '../../src-main/lifecycle';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, canKeepAgentsOnUpdate, installOnQuit, releaseNotesText, resolveFeed, restartPlan } from '../../src-main/updates/update-policy';
import { UpdateService, type UpdateDriver, type UpdateDriverEvent, type UpdateTimers } from '../../src-main/updates/update-service';

describe('update policy', () => {
  it('takes the feed from the settings, else the one built in, else none', () => {
    expect(resolveFeed({ feedUrl: 'https://releases.example.com/pitwall' }, true)).toEqual({ kind: 'generic', url: 'https://releases.example.com/pitwall' });
    expect(resolveFeed({ feedUrl: null }, true)).toEqual({ kind: 'built-in' });
    expect(resolveFeed({ feedUrl: null }, false)).toEqual({ kind: 'none' });
  });

  it('accepts only https feeds (http only on this machine), without credentials', () => {
    const feed = (feedUrl: string) => appSettingsSchema.shape.updates.safeParse({ enabled: true, feedUrl }).success;
    expect(feed('https://releases.example.com/pitwall/')).toBe(true);
    expect(feed('http://127.0.0.1:8080/feed')).toBe(true);
    expect(feed('http://releases.example.com/pitwall')).toBe(false);
    expect(feed('https://user:secret@releases.example.com/')).toBe(false);
    expect(feed('file:///tmp/feed')).toBe(false);
    expect(appSettingsSchema.parse({}).updates).toEqual({ enabled: false, feedUrl: null });
  });

  it('never restarts over running agents without an answer, and keeps them only where the installer allows', () => {
    expect(restartPlan('linux', 0, undefined)).toEqual({ action: 'restart', stopAgents: false });
    expect(restartPlan('linux', 2, undefined)).toEqual({ action: 'ask', running: 2, canKeep: true });
    expect(restartPlan('darwin', 2, 'keep')).toEqual({ action: 'restart', stopAgents: false });
    expect(restartPlan('darwin', 2, 'stop')).toEqual({ action: 'restart', stopAgents: true });
    expect(restartPlan('win32', 1, undefined)).toEqual({ action: 'ask', running: 1, canKeep: false });
    expect(restartPlan('win32', 1, 'keep')).toMatchObject({ action: 'refuse' });
    expect(restartPlan('win32', 1, 'stop')).toEqual({ action: 'restart', stopAgents: true });
    expect(canKeepAgentsOnUpdate('win32')).toBe(false);
    expect(installOnQuit('win32', true)).toBe(false);
    expect(installOnQuit('win32', false)).toBe(true);
    expect(installOnQuit('linux', true)).toBe(true);
  });

  it('turns release notes into plain text, whatever the feed sent', () => {
    expect(releaseNotesText('<h2>Pitwall 0.2</h2><ul><li>Tray &amp; notifications</li><li>Open in &lt;IDE&gt;</li></ul><script>alert(1)</script><p>Thanks!</p>')).toBe(
      'Pitwall 0.2\n\n• Tray & notifications\n\n• Open in <IDE>\n\nThanks!',
    );
    expect(releaseNotesText([{ version: '0.2.0', note: 'New tray' }, { version: '0.1.1', note: null }])).toBe('Version 0.2.0\nNew tray\n\nVersion 0.1.1');
    expect(releaseNotesText(null)).toBeNull();
    expect(releaseNotesText('   ')).toBeNull();
    expect(releaseNotesText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

/** The updater as a script: records calls, lets the test emit its events. */
class ScriptedDriver implements UpdateDriver {
  calls: string[] = [];
  listener: ((e: UpdateDriverEvent) => void) | null = null;
  installOnQuit: boolean | null = null;
  constructor(
    readonly builtInFeed: boolean,
    readonly unsupportedReason: string | null = null,
  ) {}
  setFeedUrl(url: string): void {
    this.calls.push(`feed ${url}`);
  }
  async check(): Promise<void> {
    this.calls.push('check');
  }
  async download(): Promise<void> {
    this.calls.push('download');
  }
  setInstallOnQuit(value: boolean): void {
    this.installOnQuit = value;
  }
  async quitAndInstall(stopAgents: boolean): Promise<void> {
    this.calls.push(`install stop=${stopAgents}`);
  }
  onEvent(listener: (e: UpdateDriverEvent) => void) {
    this.listener = listener;
    return toDisposable(() => {
      this.listener = null;
    });
  }
  emit(event: UpdateDriverEvent): void {
    this.listener!(event);
  }
}

class ManualTimers implements UpdateTimers {
  pending: { fn: () => void; ms: number; repeat: boolean; live: boolean }[] = [];
  setTimeout(fn: () => void, ms: number) {
    const t = { fn, ms, repeat: false, live: true };
    this.pending.push(t);
    return toDisposable(() => {
      t.live = false;
    });
  }
  setInterval(fn: () => void, ms: number) {
    const t = { fn, ms, repeat: true, live: true };
    this.pending.push(t);
    return toDisposable(() => {
      t.live = false;
    });
  }
  live() {
    return this.pending.filter((t) => t.live).map((t) => `${t.repeat ? 'every' : 'after'} ${t.ms}`);
  }
  fire(ms: number) {
    for (const t of this.pending.filter((x) => x.live && x.ms === ms)) t.fn();
  }
}

function setup(options: { builtInFeed?: boolean; running?: number; platform?: NodeJS.Platform; unsupported?: string | null; settings?: Partial<AppSettings> } = {}) {
  const events = new EventBus();
  let settings = appSettingsSchema.parse(options.settings ?? {});
  const store = {
    get: () => settings,
    set(changes: Partial<AppSettings>) {
      settings = { ...settings, ...changes };
      events.emit('settings:changed', {});
    },
  };
  const running = { count: options.running ?? 0 };
  const timers = new ManualTimers();
  const service = new UpdateService(events, store, { runningCount: () => running.count }, { platform: options.platform ?? 'linux', version: '0.1.0', clock: () => 1000, timers });
  const seen: UpdateStatus[] = [];
  events.on('updates:changed', (s) => seen.push(s));
  const driver = new ScriptedDriver(options.builtInFeed ?? false, options.unsupported ?? null);
  return { service, store, driver, timers, running, seen };
}

describe('the update service', () => {
  it('is unsupported in the headless shell and in an unpackaged app', async () => {
    const headless = setup();
    expect(headless.service.status()).toMatchObject({ phase: 'unsupported', currentVersion: '0.1.0' });
    await expect(headless.service.check()).rejects.toThrow(/desktop app/);
    const dev = setup({ settings: { updates: { enabled: true, feedUrl: null } }, unsupported: 'runs from a checkout' });
    dev.service.attach(dev.driver);
    expect(dev.service.status()).toMatchObject({ phase: 'unsupported', detail: 'runs from a checkout' });
    expect(dev.timers.live()).toEqual([]);
  });

  it('stays off until the person opts in, and asks for a feed when none is built in', () => {
    const { service, store, driver, timers } = setup();
    service.attach(driver);
    expect(service.status().phase).toBe('disabled');
    expect(timers.live()).toEqual([]);
    store.set({ updates: { enabled: true, feedUrl: null } });
    expect(service.status().phase).toBe('no-feed');
    expect(timers.live()).toEqual([]);
    store.set({ updates: { enabled: true, feedUrl: 'https://releases.example.com/pitwall' } });
    expect(service.status().phase).toBe('idle');
    expect(driver.calls).toEqual(['feed https://releases.example.com/pitwall']);
    expect(timers.live()).toEqual([`after ${FIRST_CHECK_DELAY_MS}`, `every ${CHECK_INTERVAL_MS}`]);
    // Another setting changing does not restart the schedule.
    store.set({ preferredEditor: 'zed' });
    expect(timers.pending).toHaveLength(2);
    store.set({ updates: { enabled: false, feedUrl: 'https://releases.example.com/pitwall' } });
    expect(service.status().phase).toBe('disabled');
    expect(timers.live()).toEqual([]);
  });

  it('checks on schedule, downloads what it finds, and keeps the notes for the person to read', async () => {
    const { service, driver, timers, seen } = setup({ builtInFeed: true, settings: { updates: { enabled: true, feedUrl: null } } });
    service.attach(driver);
    timers.fire(FIRST_CHECK_DELAY_MS);
    await Promise.resolve();
    expect(driver.calls).toEqual(['check']);
    driver.emit({ type: 'checking' });
    driver.emit({ type: 'available', version: '0.2.0', releaseNotes: '<p>Tray &amp; more</p>', releaseDate: '2026-01-02' });
    expect(driver.calls).toEqual(['check', 'download']);
    driver.emit({ type: 'progress', percent: 41.6 });
    expect(service.status()).toMatchObject({ phase: 'downloading', version: '0.2.0', progress: 42, releaseNotes: 'Tray & more' });
    driver.emit({ type: 'downloaded', version: '0.2.0', releaseNotes: null, releaseDate: '2026-01-02' });
    expect(service.status()).toMatchObject({ phase: 'ready', version: '0.2.0', releaseNotes: 'Tray & more', progress: 100 });
    expect(seen.map((s) => s.phase)).toEqual(['idle', 'checking', 'downloading', 'downloading', 'ready']);
    // A later scheduled check waits: the downloaded update is the person's to install.
    timers.fire(CHECK_INTERVAL_MS);
    driver.emit({ type: 'error', message: 'offline' });
    expect(driver.calls).toEqual(['check', 'download']);
    expect(service.status().phase).toBe('ready');
  });

  it('says when it is up to date or the check failed', async () => {
    const { service, driver } = setup({ builtInFeed: true, settings: { updates: { enabled: true, feedUrl: null } } });
    service.attach(driver);
    await service.check();
    driver.emit({ type: 'not-available' });
    expect(service.status()).toMatchObject({ phase: 'up-to-date', checkedAt: 1000 });
    driver.emit({ type: 'error', message: 'HttpError: 404' });
    expect(service.status()).toMatchObject({ phase: 'error', detail: 'HttpError: 404' });
  });

  it('restarts into the update only with an answer about running agents', async () => {
    const { service, driver, running } = setup({ builtInFeed: true, platform: 'win32', settings: { updates: { enabled: true, feedUrl: null } } });
    service.attach(driver);
    await expect(service.install()).rejects.toThrow(/No update has been downloaded/);
    driver.emit({ type: 'downloaded', version: '0.2.0', releaseNotes: 'x', releaseDate: null });
    running.count = 2;
    await expect(service.install()).rejects.toMatchObject({ code: 'agents_running', message: expect.stringContaining('2 agents are running') });
    await expect(service.install('keep')).rejects.toMatchObject({ code: 'agents_running', message: expect.stringContaining('Windows') });
    expect(driver.calls).toEqual([]);
    await service.install('stop');
    expect(driver.calls).toEqual(['install stop=true']);
    running.count = 0;
    await service.install();
    expect(driver.calls.at(-1)).toBe('install stop=false');
  });

  it('installs at quit only when the policy allows', () => {
    const { service, driver } = setup({ builtInFeed: true, platform: 'win32', settings: { updates: { enabled: true, feedUrl: null } } });
    service.attach(driver);
    service.prepareQuit(false);
    expect(driver.installOnQuit).toBe(false);
    driver.emit({ type: 'downloaded', version: '0.2.0', releaseNotes: null, releaseDate: null });
    service.prepareQuit(true);
    expect(driver.installOnQuit).toBe(false);
    service.prepareQuit(false);
    expect(driver.installOnQuit).toBe(true);
  });
});
