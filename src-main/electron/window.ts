import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Session, Shell } from 'electron';

/** The Content-Security-Policy of the app window. */
export const WINDOW_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** What the window needs, passed in so tests can give stand-ins. */
export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  session: Pick<Session, 'webRequest'>;
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

/** Creates the one app window: sandboxed, CSP enforced, no new windows, no navigation away. */
export function createMainWindow(deps: WindowDeps): BrowserWindowType {
  deps.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [WINDOW_CSP] } });
  });
  const win = new deps.BrowserWindow(windowOptions(deps.preload));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void deps.shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!deps.isTrusted(url)) event.preventDefault();
  });
  if (deps.devServerUrl) void win.loadURL(deps.devServerUrl);
  else void win.loadFile(deps.rendererFile);
  return win;
}
