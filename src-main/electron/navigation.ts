import { routeOfHash } from '../../src-common/domain/notification';

/** The part of a window navigation needs, so tests can give a stand-in. */
export interface NavigableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  isFocused(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  webContents: { getURL(): string; executeJavaScript(code: string): Promise<unknown> };
}

/** The script that moves the renderer to a route; the route goes in as a JSON string, never as code. */
export function routeScript(route: string): string {
  return `location.hash = ${JSON.stringify(`#/${route}`)}`;
}

/** Brings the window forward and, when a route is given, shows that page. */
export function showRoute(win: NavigableWindow, route: string): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  if (route) void win.webContents.executeJavaScript(routeScript(route)).catch(() => undefined);
}

/** What the window shows now, for "nothing while the item is on screen". */
export function currentView(win: NavigableWindow | null): { focused: boolean; visible: boolean; route: string } {
  if (!win || win.isDestroyed()) return { focused: false, visible: false, route: '' };
  let route = '';
  try {
    route = routeOfHash(new URL(win.webContents.getURL()).hash);
  } catch {
    route = '';
  }
  return { focused: win.isFocused(), visible: win.isVisible() && !win.isMinimized(), route };
}
