import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Session, Shell } from 'electron';
import { guardPermissions, isNavigationAllowed } from './permissions';

/** The Content-Security-Policy of the app window. */
export const WINDOW_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** What the window needs, passed in so tests can give stand-ins. */
export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  shell: Pick<Shell, 'openExternal'>;
  preload: string;
  rendererFile: string;
  devServerUrl: string | undefined;
  isTrusted: (url: string) => boolean;
}

/** The security settings every Pitwall window runs with. */
export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Pitwall',
    show: false,
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  };
}

/**
 * Creates the one app window: sandboxed, CSP enforced, permissions refused but the clipboard's,
 * no new windows, no navigation or redirect away.
 */
export function createMainWindow(deps: WindowDeps): BrowserWindowType {
  guardPermissions(deps.session, deps.isTrusted);
  deps.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [WINDOW_CSP] } });
  });
  const win = new deps.BrowserWindow(windowOptions(deps.preload));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) deps.shell.openExternal(url).catch((error: unknown) => console.error('[window] opening a link failed', error));
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, deps.isTrusted)) event.preventDefault();
  });
  // A redirect is a navigation the page did not ask for (a server answering 30x): the same rule.
  win.webContents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, deps.isTrusted)) event.preventDefault();
  });
  const loaded = deps.devServerUrl ? win.loadURL(deps.devServerUrl) : win.loadFile(deps.rendererFile);
  loaded.catch((error: unknown) => console.error('[window] loading the page failed', error));
  return win;
}
