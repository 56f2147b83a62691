import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Notice } from '../../src-common/domain/notification';
import { appPaths } from '../../src-main/electron/app-paths';
import { electronUpdateDriver, type AppUpdaterLike } from '../../src-main/electron/auto-updater';
import { keepInTray } from '../../src-main/electron/close-to-tray';
import { currentView, routeScript, showRoute, type NavigableWindow } from '../../src-main/electron/navigation';
import { NotificationPresenter } from '../../src-main/electron/notifications';
import { TrayIcon, menuTemplate } from '../../src-main/electron/tray';
import { summarize } from '../../src-main/status/status-model';
import { emptySnapshot, type StatusSnapshot } from '../../src-main/status/status-snapshot';
import type { TrayAction } from '../../src-main/status/tray-model';
import type { UpdateDriverEvent } from '../../src-main/updates/update-service';
import { Menu, Notification, Tray, nativeImage, type MenuItemTemplate } from '../helpers/electron-stand-in';

const waiting: StatusSnapshot = {
  ...emptySnapshot(),
  approvals: [{ id: 'a1', toolName: 'Bash', summary: '$ make deploy', sessionId: 's1', sessionTitle: 'Ship it', projectName: 'billing', createdAt: 1 }],
  agents: [{ id: 's1', title: 'Ship it', agentName: 'Claude Code', projectId: 'p1', projectName: 'billing', status: 'running', activity: 'working' }],
};

function find(items: MenuItemTemplate[], label: string): MenuItemTemplate {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = item.submenu ? find(item.submenu, label) : null;
    if (inner?.label === label) return inner;
  }
  return {};
}

describe('the tray glue', () => {
  function makeTray(platform: NodeJS.Platform, snapshot = emptySnapshot()) {
    const actions: TrayAction[] = [];
    const icon = new TrayIcon({ Tray: Tray as never, Menu: Menu as never, nativeImage: nativeImage as never, iconDir: '/app/resources/tray', platform, onAction: (a) => actions.push(a) }, snapshot, summarize(snapshot));
    return { icon, tray: Tray.instances.at(-1)!, actions };
  }

  it('shows the state icon, the tooltip and the model menu, and follows changes', () => {
    const { icon, tray, actions } = makeTray('linux');
    expect(tray.image.file).toBe('/app/resources/tray/tray-idle.png');
    expect(tray.tooltip).toBe('Pitwall — Nothing running');
    icon.update(waiting, summarize(waiting));
    expect(tray.image.file).toBe('/app/resources/tray/tray-attention.png');
    expect(tray.tooltip).toBe('Pitwall — 1 approval waiting · 1 agent running');
    const menu = tray.menu!.template;
    expect(menu[0]).toEqual({ label: '1 approval waiting · 1 agent running', enabled: false });
    find(menu, 'Allow').click!();
    find(menu, 'Ship it — Claude Code').click!();
    find(menu, 'Quit Pitwall').click!();
    expect(actions).toEqual([{ kind: 'decide', approvalId: 'a1', decision: 'allow' }, { kind: 'open', route: 'sessions/s1' }, { kind: 'quit' }]);
    // The same state does not reload the image.
    const before = tray.imagesSet;
    icon.update(waiting, summarize(waiting));
    expect(tray.imagesSet).toBe(before);
    // A click on the icon opens the window on Windows and Linux.
    tray.listeners.get('click')!();
    expect(actions.at(-1)).toEqual({ kind: 'open', route: '' });
    icon.dispose();
    expect(tray.destroyed).toBe(true);
  });

  it('uses template images and the count beside the icon on macOS', () => {
    const { icon, tray } = makeTray('darwin');
    expect(tray.image.file).toBe('/app/resources/tray/tray-idleTemplate.png');
    expect(tray.listeners.has('click')).toBe(false);
    icon.update(waiting, summarize(waiting));
    expect(tray.title).toBe('1');
  });

  it('turns model items into Electron templates', () => {
    const clicked: TrayAction[] = [];
    const template = menuTemplate(
      [
        { type: 'label', label: 'x' },
        { type: 'separator' },
        { type: 'submenu', label: 'sub', items: [{ type: 'action', label: 'go', action: { kind: 'open', route: 'tasks' } }] },
      ],
      (a) => clicked.push(a),
    );
    expect(template.map((t) => t.type ?? t.label)).toEqual(['x', 'separator', 'sub']);
    expect(template[0]!.enabled).toBe(false);
    (template[2]!.submenu as { click: () => void }[])[0]!.click();
    expect(clicked).toEqual([{ kind: 'open', route: 'tasks' }]);
  });
});

class FakeWindow implements NavigableWindow {
  destroyed = false;
  minimized = false;
  visible = true;
  focused = false;
  log: string[] = [];
  url = 'file:///app/out/renderer/index.html#/approvals';
  closeListener: ((e: { preventDefault(): void }) => void) | null = null;
  webContents = {
    getURL: () => this.url,
    executeJavaScript: (code: string) => {
      this.log.push(code);
      return Promise.resolve();
    },
  };
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  isVisible = () => this.visible;
  isFocused = () => this.focused;
  restore = () => this.log.push('restore');
  show = () => this.log.push('show');
  focus = () => this.log.push('focus');
  hide = () => this.log.push('hide');
  on(_event: 'close', listener: (e: { preventDefault(): void }) => void) {
    this.closeListener = listener;
    return this;
  }
}

describe('navigation', () => {
  it('brings the window forward and sets the route as data, not code', () => {
    const win = new FakeWindow();
    win.minimized = true;
    showRoute(win, 'sessions/s1');
    expect(win.log).toEqual(['restore', 'show', 'focus', 'location.hash = "#/sessions/s1"']);
    expect(routeScript(`x"; alert(1); "`)).toBe('location.hash = "#/x\\"; alert(1); \\""');
  });

  it('reads what the window shows from its URL', () => {
    const win = new FakeWindow();
    win.focused = true;
    expect(currentView(win)).toEqual({ focused: true, visible: true, route: 'approvals' });
    win.minimized = true;
    expect(currentView(win).visible).toBe(false);
    expect(currentView(null)).toEqual({ focused: false, visible: false, route: '' });
  });

  it('hides instead of closing while Pitwall lives in the tray', () => {
    const win = new FakeWindow();
    const state = { closeToTray: true, trayAvailable: true, quitting: false };
    let hidden = 0;
    keepInTray(win, () => state, () => hidden++);
    let prevented = false;
    win.closeListener!({ preventDefault: () => (prevented = true) });
    expect([prevented, hidden, win.log]).toEqual([true, 1, ['hide']]);
    state.quitting = true;
    prevented = false;
    win.closeListener!({ preventDefault: () => (prevented = true) });
    expect([prevented, hidden]).toEqual([false, 1]);
  });
});

describe('OS notifications', () => {
  const notice: Notice = { id: 'approval:a1', kind: 'approval', title: 'Approval needed: Bash', body: 'billing — $ make deploy', route: 'approvals', shownOn: ['approvals'], approvalId: 'a1' };

  function presenter(platform: NodeJS.Platform, view = { focused: false, visible: true, route: 'approvals' }) {
    const opened: string[] = [];
    const decided: string[] = [];
    const p = new NotificationPresenter({ Notification: Notification as never, platform, view: () => view, open: (r) => opened.push(r), decide: (id, d) => decided.push(`${id}:${d}`) });
    return { p, opened, decided, view };
  }

  it('show a notice and open its page on a click', () => {
    const { p, opened } = presenter('linux');
    expect(p.show(notice)).toBe(true);
    const n = Notification.instances.at(-1)!;
    expect(n.options).toEqual({ title: 'Approval needed: Bash', body: 'billing — $ make deploy' });
    expect(n.shown).toBe(true);
    n.emit('click');
    expect(opened).toEqual(['approvals']);
  });

  it('offer Allow / Deny on macOS, deciding through the app', () => {
    const { p, decided } = presenter('darwin');
    p.show(notice);
    const n = Notification.instances.at(-1)!;
    expect(n.options.actions).toEqual([
      { type: 'button', text: 'Allow' },
      { type: 'button', text: 'Deny' },
    ]);
    n.emit('action', 1);
    expect(decided).toEqual(['a1:deny']);
  });

  it('stay quiet while the focused window shows the item, or when unsupported', () => {
    const count = Notification.instances.length;
    expect(presenter('linux', { focused: true, visible: true, route: 'approvals' }).p.show(notice)).toBe(false);
    expect(presenter('linux', { focused: true, visible: true, route: 'sessions' }).p.show(notice)).toBe(true);
    Notification.supported = false;
    expect(presenter('linux').p.show(notice)).toBe(false);
    Notification.supported = true;
    expect(Notification.instances.length).toBe(count + 1);
  });

  it('close an approval notification once the approval is decided elsewhere', () => {
    const { p } = presenter('linux');
    p.show(notice);
    const n = Notification.instances.at(-1)!;
    p.retainApprovals(new Set(['a1']));
    expect(n.closed).toBe(false);
    p.retainApprovals(new Set());
    expect(n.closed).toBe(true);
  });
});

class FakeUpdater extends EventEmitter implements AppUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowPrerelease = true;
  logger: AppUpdaterLike['logger'] = null;
  calls: string[] = [];
  setFeedURL(options: { provider: 'generic'; url: string }) {
    this.calls.push(`feed ${options.provider} ${options.url}`);
  }
  async checkForUpdates() {
    this.calls.push('check');
    return null;
  }
  async downloadUpdate() {
    this.calls.push('download');
    return [];
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.calls.push(`quitAndInstall ${isSilent} ${isForceRunAfter}`);
  }
}

describe('the electron-updater driver', () => {
  it('downloads and installs nothing by itself, and reports the updater events', async () => {
    const updater = new FakeUpdater();
    const order: string[] = [];
    const driver = electronUpdateDriver(updater, { isPackaged: true, builtInFeed: false, beforeInstall: async (stop) => void order.push(`before stop=${stop}`) });
    expect([updater.autoDownload, updater.autoInstallOnAppQuit, updater.allowPrerelease]).toEqual([false, false, false]);
    expect(driver.unsupportedReason).toBeNull();
    const seen: UpdateDriverEvent[] = [];
    const sub = driver.onEvent((e) => seen.push(e));
    updater.emit('checking-for-update');
    updater.emit('update-available', { version: '0.2.0', releaseNotes: '<p>x</p>', releaseDate: '2026-01-02' });
    updater.emit('download-progress', { percent: 50 });
    updater.emit('update-downloaded', { version: '0.2.0', releaseNotes: null, releaseDate: '2026-01-02' });
    updater.emit('error', new Error('offline'));
    expect(seen).toEqual([
      { type: 'checking' },
      { type: 'available', version: '0.2.0', releaseNotes: '<p>x</p>', releaseDate: '2026-01-02' },
      { type: 'progress', percent: 50 },
      { type: 'downloaded', version: '0.2.0', releaseNotes: null, releaseDate: '2026-01-02' },
      { type: 'error', message: 'offline' },
    ]);
    await sub.dispose();
    expect(updater.listenerCount('error')).toBe(0);
    driver.setFeedUrl('https://releases.example.com/pitwall');
    await driver.check();
    await driver.download();
    driver.setInstallOnQuit(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    await driver.quitAndInstall(true);
    order.push(...updater.calls);
    expect(order).toEqual(['before stop=true', 'feed generic https://releases.example.com/pitwall', 'check', 'download', 'quitAndInstall false true']);
  });

  it('is unsupported when the app runs from a checkout', () => {
    expect(electronUpdateDriver(new FakeUpdater(), { isPackaged: false, builtInFeed: false, beforeInstall: async () => undefined }).unsupportedReason).toMatch(/checkout/);
  });
});

describe('app paths', () => {
  it('finds resources next to the sources in a checkout, and unpacked beside the asar when packaged', () => {
    expect(appPaths('/src/pitwall', false)).toEqual({
      rendererFile: '/src/pitwall/out/renderer/index.html',
      preload: '/src/pitwall/out/preload/index.js',
      migrationsDir: '/src/pitwall/db/migrations',
      resourcesDir: '/src/pitwall/resources',
      trayIconDir: '/src/pitwall/resources/tray',
    });
    expect(appPaths('/opt/Pitwall/resources/app.asar', true)).toMatchObject({
      rendererFile: '/opt/Pitwall/resources/app.asar/out/renderer/index.html',
      migrationsDir: '/opt/Pitwall/resources/app.asar/db/migrations',
      trayIconDir: '/opt/Pitwall/resources/app.asar.unpacked/resources/tray',
    });
  });
});
