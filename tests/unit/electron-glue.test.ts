import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_IPC, RPC_IPC, WATCH_IPC } from '../../src-common/ipc-names';
import { TerminalWatches, bindIpc, forwardEvents } from '../../src-main/electron/ipc-binding';
import { menuTemplate } from '../../src-main/electron/menu';
import { electronNodePtyPath, electronSqliteBinding } from '../../src-main/electron/native-binding';
import { isTrustedSender } from '../../src-main/electron/trusted-sender';
import { WINDOW_CSP, createMainWindow } from '../../src-main/electron/window';
import { EventBus } from '../../src-main/events/event-bus';
import type { Router } from '../../src-main/ipc/router';
import { BrowserWindow, ipcMain, session, shell } from '../helpers/electron-stand-in';

const RENDERER = path.resolve('/app/out/renderer/index.html');
const trusted = (url: string | undefined) => isTrustedSender(url, RENDERER, undefined);

describe('trusted senders', () => {
  it('accept only the app renderer file, or the dev server origin when one runs', () => {
    expect(trusted(pathToFileURL(RENDERER).href)).toBe(true);
    expect(trusted(pathToFileURL('/app/out/renderer/other.html').href)).toBe(false);
    expect(trusted('https://evil.example/')).toBe(false);
    expect(trusted(undefined)).toBe(false);
    expect(trusted('not a url')).toBe(false);
    expect(isTrustedSender('http://localhost:5173/#/projects', RENDERER, 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', RENDERER, 'http://localhost:5173')).toBe(false);
  });
});

describe('IPC binding', () => {
  it('dispatches requests from the app window and refuses others, and unbinds on dispose', async () => {
    const calls: unknown[][] = [];
    const router: Router = { dispatch: async (channel, request) => (calls.push([channel, request]), { ok: true, value: 'pong' }) };
    const binding = bindIpc(ipcMain, router, trusted);
    const handler = ipcMain.handlers.get(RPC_IPC)!;
    const fromApp = { senderFrame: { url: pathToFileURL(RENDERER).href } };
    expect(await handler(fromApp, 'projects:list', {})).toEqual({ ok: true, value: 'pong' });
    expect(calls).toEqual([['projects:list', {}]]);
    expect(await handler({ senderFrame: { url: 'https://evil.example/' } }, 'projects:list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await handler(fromApp, 42, {})).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(calls).toHaveLength(1);
    binding.dispose();
    expect(ipcMain.handlers.has(RPC_IPC)).toBe(false);
    expect(ipcMain.handlers.has(WATCH_IPC)).toBe(false);
  });

  it('sends a terminal’s output only while the app window watches it', async () => {
    const events = new EventBus();
    const watches = new TerminalWatches();
    const router: Router = { dispatch: async () => ({ ok: true, value: null }) };
    const binding = bindIpc(ipcMain, router, trusted, watches);
    const watch = ipcMain.handlers.get(WATCH_IPC)!;
    const win = new BrowserWindow({});
    const sub = forwardEvents(events, () => win.webContents, watches);
    const fromApp = { senderFrame: { url: pathToFileURL(RENDERER).href } };
    events.emit('sessions:output', { sessionId: 's1', offset: 0, data: 'unseen' });
    expect(await watch(fromApp, 's1', true)).toBe(true);
    expect(await watch({ senderFrame: { url: 'https://evil.example/' } }, 's2', true)).toBe(false);
    events.emit('sessions:output', { sessionId: 's1', offset: 6, data: 'shown' });
    events.emit('sessions:output', { sessionId: 's2', offset: 0, data: 'other' });
    expect(win.webContents.sent).toEqual([[EVENT_IPC, 'sessions:output', { sessionId: 's1', offset: 6, data: 'shown' }]]);
    expect(await watch(fromApp, 's1', false)).toBe(true);
    events.emit('sessions:output', { sessionId: 's1', offset: 11, data: 'gone' });
    expect(win.webContents.sent).toHaveLength(1);
    void sub.dispose();
    binding.dispose();
  });

  it('forwards every core event to a live window only', () => {
    const events = new EventBus();
    const win = new BrowserWindow({});
    const sub = forwardEvents(events, () => win.webContents);
    events.emit('projects:changed', { projectId: 'p1' });
    expect(win.webContents.sent).toEqual([[EVENT_IPC, 'projects:changed', { projectId: 'p1' }]]);
    win.webContents.destroyed = true;
    events.emit('projects:changed', { projectId: 'p2' });
    expect(win.webContents.sent).toHaveLength(1);
    void sub.dispose();
  });
});

describe('the window', () => {
  it('is sandboxed with context isolation, no node integration, a CSP, no popups and no navigation away', () => {
    const win = createMainWindow({
      BrowserWindow: BrowserWindow as never,
      session: session.defaultSession as never,
      shell: shell as never,
      preload: '/app/out/preload/index.js',
      rendererFile: RENDERER,
      devServerUrl: undefined,
      isTrusted: (url) => trusted(url),
    }) as unknown as BrowserWindow;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/out/preload/index.js' });
    expect(win.loaded.file).toBe(RENDERER);
    let headers: unknown;
    session.defaultSession.webRequest.headersHook!({ responseHeaders: {} }, (r: unknown) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [WINDOW_CSP] } });
    expect(WINDOW_CSP).toContain("script-src 'self'");
    expect(win.webContents.openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://example.com/docs']);
    expect(win.webContents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.opened).toHaveLength(1);
    let prevented = false;
    win.webContents.listeners.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
});

describe('menu and native modules', () => {
  it('has an Edit menu with the clipboard roles, and an app menu on macOS only', () => {
    const linux = menuTemplate('linux');
    const edit = linux.find((m) => m.label === 'Edit')!;
    expect((edit.submenu as { role?: string }[]).map((i) => i.role)).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll', 'undo']));
    expect(linux[0]!.label).toBe('File');
    expect(menuTemplate('darwin')[0]!.label).toBe('Pitwall');
  });

  it('load native modules built for Electron from their own folder when present, keyed on Electron, the module, platform and arch', () => {
    const target = { electronVersion: '39.0.0', platform: 'linux', arch: 'x64' };
    const versions = (_root: string, name: string) => (name === 'better-sqlite3' ? '12.11.1' : '1.1.0');
    const present = new Set([
      '/app/.native/electron-39.0.0-linux-x64/better-sqlite3-12.11.1/build/Release/better_sqlite3.node',
      '/app/.native/electron-39.0.0-linux-x64/node-pty-1.1.0/package.json',
    ]);
    const exists = (p: string) => present.has(p);
    expect(electronSqliteBinding('/app', target, exists, versions)).toBe('/app/.native/electron-39.0.0-linux-x64/better-sqlite3-12.11.1/build/Release/better_sqlite3.node');
    expect(electronNodePtyPath('/app', target, exists, versions)).toBe('/app/.native/electron-39.0.0-linux-x64/node-pty-1.1.0');
    expect(electronSqliteBinding('/app', { ...target, electronVersion: '40.0.0' }, exists, versions)).toBeUndefined();
    expect(electronSqliteBinding('/app', { ...target, arch: 'arm64' }, exists, versions)).toBeUndefined();
    expect(electronSqliteBinding('/app', target, exists, () => '12.12.0')).toBeUndefined();
    expect(electronSqliteBinding('/app', target, exists, () => null)).toBeUndefined();
  });
});
