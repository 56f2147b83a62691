import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, Notification, Tray, app, dialog, nativeImage, session, shell } from 'electron';
import { autoUpdater } from 'electron-updater';
import { builtPtyHostLaunch, createApp, type App } from '../app';
import { resolveDataDir } from '../config';
import { DisposableStore } from '../lifecycle';
import { summarize } from '../status/status-model';
import { probeTraySupport, quitWhenAllClosed } from '../status/tray-support';
import type { TrayAction } from '../status/tray-model';
import { appPaths } from './app-paths';
import { electronUpdateDriver } from './auto-updater';
import { keepInTray } from './close-to-tray';
import { TerminalWatches, bindAppIpc, forwardEvents } from './ipc-binding';
import { menuTemplate } from './menu';
import { electronNodePtyPath, electronSqliteBinding } from './native-binding';
import { currentView, showRoute } from './navigation';
import { NotificationPresenter } from './notifications';
import { TrayIcon } from './tray';
import { isTrustedSender } from './trusted-sender';
import { createMainWindow } from './window';
import { handleUnexpectedErrors } from '../unexpected-errors';

// Entry of the desktop shell: the same core as the headless shell, hosted in Electron, with a
// tray icon, OS notifications and updates. Every decision lives in plain modules; this wires them.

const appRoot = app.getAppPath();
const paths = appPaths(appRoot, app.isPackaged);
const rendererFile = paths.rendererFile;
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const trusted = (url: string | undefined): boolean => isTrustedSender(url, rendererFile, devServerUrl);

// As VS Code's main process: unexpected errors are logged, not fatal (Electron would show a dialog and stop).
handleUnexpectedErrors({ name: 'core', onStorm: () => app.exit(70) });

let core: App | null = null;
let window: BrowserWindow | null = null;
let tray: TrayIcon | null = null;
let quitting = false;
const store = new DisposableStore();

function livesInTray(): boolean {
  return tray !== null && (core?.settings.get().desktop.closeToTray ?? false);
}

/** A notice shown once ever (the key is remembered in the settings). */
function tellOnce(key: string, title: string, body: string): void {
  const desktop = core?.settings.get().desktop;
  if (!core || !desktop || desktop.toldOnce.includes(key)) return;
  console.log(`[desktop] ${title}: ${body}`);
  if (Notification.isSupported()) new Notification({ title, body }).show();
  core.settings.update({ desktop: { ...desktop, toldOnce: [...desktop.toldOnce, key] } });
}

function openWindow(): BrowserWindow {
  const win = createMainWindow({
    BrowserWindow,
    session: session.defaultSession,
    shell,
    preload: paths.preload,
    rendererFile,
    devServerUrl,
    isTrusted: trusted,
  });
  keepInTray(
    win,
    () => ({ closeToTray: core?.settings.get().desktop.closeToTray ?? false, trayAvailable: tray !== null, quitting }),
    () => tellOnce('in-tray', 'Pitwall is still running', 'It keeps watching your agents from the tray; choose Quit there to stop it.'),
  );
  win.on('closed', () => (window = null));
  window = win;
  return win;
}

/** Brings the window forward (making it if it was closed) on a page. */
function show(route: string): void {
  if (window) return showRoute(window, route);
  const win = openWindow();
  if (route) win.webContents.once('did-finish-load', () => showRoute(win, route));
}

/** Allow / Deny from the tray or a notification: the Approvals page's own request, so it is validated and audited the same way. */
function decide(approvalId: string, decision: 'allow' | 'deny'): void {
  if (!core) return;
  core.router
    .dispatch('approvals:decide', { id: approvalId, decision })
    .then((result) => {
      if (!result.ok && Notification.isSupported()) new Notification({ title: 'Pitwall could not record the decision', body: result.error.message }).show();
    })
    .catch((error: unknown) => console.error('[desktop] recording a decision from a notification failed', error));
}

function onTrayAction(action: TrayAction): void {
  if (action.kind === 'open') show(action.route);
  else if (action.kind === 'decide') decide(action.approvalId, action.decision);
  else app.quit();
}

async function startTray(running: App): Promise<void> {
  const support = await probeTraySupport(process.platform, process.env);
  if (support.available) {
    try {
      tray = new TrayIcon({ Tray, Menu, nativeImage, iconDir: paths.trayIconDir, platform: process.platform, onAction: onTrayAction }, running.status.snapshot(), running.status.summary());
      store.add(tray);
      store.add(running.status.onChange((_previous, next) => tray?.update(next, summarize(next))));
      return;
    } catch (error) {
      console.error('[desktop] the tray icon could not be made', error);
    }
  }
  tray = null;
  tellOnce('no-tray', 'Pitwall runs without a tray icon', support.reason ?? 'The tray icon could not be made, so closing the window quits Pitwall.');
}

async function start(): Promise<void> {
  const target = { electronVersion: process.versions.electron ?? '', platform: process.platform, arch: process.arch };
  const nodePty = electronNodePtyPath(appRoot, target);
  const sqlite = electronSqliteBinding(appRoot, target);
  try {
    core = createApp({
      dataDir: resolveDataDir(process.argv),
      migrationsDir: paths.migrationsDir,
      resourcesDir: paths.resourcesDir,
      shell: 'electron',
      version: app.getVersion(),
      ...(sqlite ? { sqliteNativeBinding: sqlite } : {}),
      ptyHostLaunch: (socket, scrollback) => {
        const launch = builtPtyHostLaunch(__dirname)(socket, scrollback);
        return { ...launch, env: { ...launch.env, ...(nodePty ? { PITWALL_NODE_PTY: nodePty } : {}) } };
      },
    });
  } catch (error) {
    dialog.showErrorBox(
      'Pitwall could not start',
      `${error instanceof Error ? error.message : String(error)}\n\nIf this mentions a NODE_MODULE_VERSION mismatch, run "npm start" again: it rebuilds the native modules for Electron.`,
    );
    app.exit(1);
    return;
  }
  const running = core;
  await running.ready;
  const watches = new TerminalWatches();
  store.add(bindAppIpc(running.router, trusted, watches));
  store.add(forwardEvents(running.events, () => window?.webContents ?? null, watches));

  const notifications = new NotificationPresenter({ Notification, platform: process.platform, view: () => currentView(window), open: show, decide });
  store.add({ dispose: () => notifications.dispose() });
  store.add(running.events.on('notifications:notice', (notice) => notifications.show(notice)));
  store.add(running.status.onChange((_previous, next) => notifications.retainApprovals(new Set(next.approvals.map((a) => a.id)))));

  running.updates.attach(
    electronUpdateDriver(autoUpdater, {
      isPackaged: app.isPackaged,
      builtInFeed: app.isPackaged && fs.existsSync(path.join(process.resourcesPath, 'app-update.yml')),
      beforeInstall: async (stopAgents) => {
        quitting = true;
        if (stopAgents) await running.sessions.shutdownAgents();
        await store.dispose();
        await running.dispose();
      },
    }),
  );
  let updatePhase = running.updates.status().phase;
  store.add(
    running.events.on('updates:changed', (status) => {
      if (status.phase === 'ready' && updatePhase !== 'ready' && Notification.isSupported()) {
        const note = new Notification({ title: `Pitwall ${status.version ?? ''} is ready`, body: 'Read what is new and restart when it suits you (Settings → Updates).' });
        note.on('click', () => show('settings'));
        note.show();
      }
      updatePhase = status.phase;
    }),
  );

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform)));
  openWindow();
  await startTray(running);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => show(''));
  app.whenReady().then(start, (error: unknown) => console.error(error));
  app.on('activate', () => {
    if (core) show('');
  });
  app.on('window-all-closed', () => {
    if (quitWhenAllClosed(process.platform, livesInTray())) app.quit();
  });

  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    event.preventDefault();
    const running = core.sessions.runningCount();
    const ask = running > 0
      ? dialog.showMessageBox({
          type: 'question',
          buttons: ['Keep them running', 'Stop them', 'Cancel'],
          defaultId: 0,
          cancelId: 2,
          message: `${running} agent${running === 1 ? ' is' : 's are'} still running.`,
          detail: 'Kept agents go on in the background and Pitwall reattaches to them when it starts again.',
        })
      : Promise.resolve({ response: 0 });
    ask
      .then(async ({ response }) => {
        if (response === 2) return;
        quitting = true;
        core?.updates.prepareQuit(running > 0 && response === 0);
        if (response === 1) await core?.sessions.shutdownAgents();
        await store.dispose();
        await core?.dispose();
        app.quit();
      })
      .catch((error: unknown) => {
        // Quitting must not hang on a failed clean-up: say what failed and leave anyway.
        console.error('[desktop] Pitwall did not stop cleanly', error);
        app.exit(1);
      });
  });
}
