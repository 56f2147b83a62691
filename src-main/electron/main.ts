import path from 'node:path';
import { BrowserWindow, Menu, Notification, app, dialog, session, shell } from 'electron';
import { builtPtyHostLaunch, createApp, type App } from '../app';
import { resolveDataDir } from '../config';
import { DisposableStore } from '../lifecycle';
import { bindAppIpc, forwardEvents } from './ipc-binding';
import { menuTemplate } from './menu';
import { electronNodePtyPath, electronSqliteBinding } from './native-binding';
import { isTrustedSender } from './trusted-sender';
import { createMainWindow } from './window';

// Entry of the desktop shell: the same core as the headless shell, hosted in Electron.

const appRoot = app.getAppPath();
const rendererFile = path.join(appRoot, 'out', 'renderer', 'index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const trusted = (url: string | undefined): boolean => isTrustedSender(url, rendererFile, devServerUrl);

let core: App | null = null;
let window: BrowserWindow | null = null;
const store = new DisposableStore();

function openWindow(): void {
  window = createMainWindow({
    BrowserWindow,
    session: session.defaultSession,
    shell,
    preload: path.join(appRoot, 'out', 'preload', 'index.js'),
    rendererFile,
    devServerUrl,
    isTrusted: trusted,
  });
  window.on('closed', () => (window = null));
}

async function start(): Promise<void> {
  const electronVersion = process.versions.electron ?? '';
  const nodePty = electronNodePtyPath(appRoot, electronVersion);
  const sqlite = electronSqliteBinding(appRoot, electronVersion);
  try {
    core = createApp({
      dataDir: resolveDataDir(process.argv),
      migrationsDir: path.join(appRoot, 'db', 'migrations'),
      resourcesDir: path.join(appRoot, 'resources'),
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
  await core.ready;
  store.add(bindAppIpc(core.router, trusted));
  store.add(forwardEvents(core.events, () => window?.webContents ?? null));
  store.add(
    core.events.on('approvals:requested', (p) => {
      if (!Notification.isSupported()) return;
      const note = new Notification({ title: 'Pitwall: approval needed', body: p.summary });
      note.on('click', () => {
        window?.show();
        void window?.webContents.executeJavaScript(`location.hash = '#/approvals'`);
      });
      note.show();
    }),
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform)));
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.whenReady().then(start, (error: unknown) => console.error(error));
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
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
    void ask.then(async ({ response }) => {
      if (response === 2) return;
      quitting = true;
      if (response === 1) await core?.sessions.shutdownAgents();
      await store.dispose();
      await core?.dispose();
      app.quit();
    });
  });
}
