import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_PERMISSIONS, isNavigationAllowed, isPermissionAllowed } from '../../src-main/electron/permissions';
import { isTrustedSender } from '../../src-main/electron/trusted-sender';
import { createMainWindow } from '../../src-main/electron/window';
import { BrowserWindow, session, shell } from '../helpers/electron-stand-in';

const RENDERER = path.resolve('/app/out/renderer/index.html');
const APP_URL = `${pathToFileURL(RENDERER).href}#/sessions/abc`;
const trusted = (url: string) => isTrustedSender(url, RENDERER, undefined);

// Every permission Electron 39 can ask about; only the clipboard's are ever granted, and only to the app.
const ALL_PERMISSIONS = [
  'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection', 'media', 'mediaKeySystem',
  'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal', 'speaker-selection', 'storage-access',
  'top-level-storage-access', 'window-management', 'unknown', 'fileSystem', 'hid', 'serial', 'usb', 'deprecated-sync-clipboard-read',
];

describe('permission decisions', () => {
  it('grant the app page only the clipboard it uses for copy and paste in the terminal', () => {
    expect([...APP_PERMISSIONS].sort()).toEqual(['clipboard-read', 'clipboard-sanitized-write']);
    const granted = ALL_PERMISSIONS.filter((p) => isPermissionAllowed(p, APP_URL, true, trusted));
    expect(granted.sort()).toEqual(['clipboard-read', 'clipboard-sanitized-write']);
  });

  it('refuse everything to another page, a sub-frame, or a request without a URL', () => {
    for (const permission of ALL_PERMISSIONS) {
      expect(isPermissionAllowed(permission, 'https://evil.example/', true, trusted), permission).toBe(false);
      expect(isPermissionAllowed(permission, pathToFileURL('/app/out/renderer/other.html').href, true, trusted), permission).toBe(false);
      expect(isPermissionAllowed(permission, 'file:///etc/passwd', true, trusted), permission).toBe(false);
      expect(isPermissionAllowed(permission, APP_URL, false, trusted), permission).toBe(false);
      expect(isPermissionAllowed(permission, undefined, true, trusted), permission).toBe(false);
    }
  });

  it('let the window go only to the app itself, by navigation or redirect', () => {
    expect(isNavigationAllowed(APP_URL, trusted)).toBe(true);
    for (const url of ['https://evil.example/', 'http://127.0.0.1:4785/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'not a url']) {
      expect(isNavigationAllowed(url, trusted), url).toBe(false);
    }
  });
});

describe('the window glue', () => {
  function openWindow(): BrowserWindow {
    return createMainWindow({
      BrowserWindow: BrowserWindow as never,
      session: session.defaultSession as never,
      shell: shell as never,
      preload: '/app/out/preload/index.js',
      rendererFile: RENDERER,
      devServerUrl: undefined,
      isTrusted: trusted,
    }) as unknown as BrowserWindow;
  }

  it('answers permission requests and checks from the session with those decisions', () => {
    openWindow();
    const request = session.defaultSession.permissionRequestHandler!;
    const check = session.defaultSession.permissionCheckHandler!;
    const ask = (permission: string, requestingUrl: string, isMainFrame = true): boolean => {
      let answer: boolean | undefined;
      request({}, permission, (granted: boolean) => (answer = granted), { requestingUrl, isMainFrame });
      return answer!;
    };
    expect(ask('media', APP_URL)).toBe(false);
    expect(ask('notifications', APP_URL)).toBe(false);
    expect(ask('geolocation', APP_URL)).toBe(false);
    expect(ask('clipboard-sanitized-write', APP_URL)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(ask('clipboard-read', APP_URL, false)).toBe(false);
    expect(check({}, 'clipboard-read', 'file://', { requestingUrl: APP_URL, isMainFrame: true })).toBe(true);
    expect(check({}, 'notifications', 'file://', { requestingUrl: APP_URL, isMainFrame: true })).toBe(false);
    expect(check(null, 'clipboard-read', 'https://evil.example', { embeddingOrigin: 'file://', isMainFrame: false })).toBe(false);
  });

  it('stops redirects and navigations away from the app, and opens no window', () => {
    const win = openWindow();
    for (const event of ['will-navigate', 'will-redirect']) {
      const listener = win.webContents.listeners.get(event)!;
      expect(listener, event).toBeTypeOf('function');
      let prevented = false;
      listener({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, event).toBe(true);
      prevented = false;
      listener({ preventDefault: () => (prevented = true) }, APP_URL);
      expect(prevented, event).toBe(false);
    }
    const opened = shell.opened.length;
    for (const url of ['https://example.com/', 'file:///etc/passwd', APP_URL, 'javascript:alert(1)']) {
      expect(win.webContents.openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    // Web links go to the system browser; nothing else is handed out.
    expect(shell.opened.slice(opened)).toEqual(['https://example.com/']);
  });
});
