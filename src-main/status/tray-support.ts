import { execFile } from 'node:child_process';

/** Whether the desktop can show a tray icon, and if not, why (said once to the person). */
export interface TraySupport {
  available: boolean;
  reason: string | null;
}

/** Runs a program and answers its stdout, or null when it could not run or failed. */
export type ProbeRunner = (command: string, args: string[]) => Promise<string | null>;

const WATCHER = 'org.kde.StatusNotifierWatcher';

/** What to tell a Linux user without a tray host. */
export const NO_TRAY_REASON =
  'No system tray (StatusNotifier / AppIndicator host) was found, so Pitwall runs without a tray icon and closing its window quits it. ' +
  'On GNOME, the “AppIndicator and KStatusNotifierItem Support” extension adds one.';

/** Reads a D-Bus `NameHasOwner` answer as printed by gdbus (`(true,)`) or dbus-send (`boolean true`). */
export function parseNameHasOwner(output: string): boolean | null {
  if (/\(true,?\)|boolean true/.test(output)) return true;
  if (/\(false,?\)|boolean false/.test(output)) return false;
  return null;
}

/**
 * Asks whether a tray can be shown. macOS and Windows always have one. On Linux the icon is a
 * StatusNotifierItem, which needs a watcher on the session bus (KDE, Xfce, Cinnamon, GNOME with the
 * AppIndicator extension); without D-Bus tools to ask, the tray is tried anyway.
 */
export async function probeTraySupport(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, run: ProbeRunner = runProgram): Promise<TraySupport> {
  if (platform !== 'linux') return { available: true, reason: null };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { available: false, reason: 'There is no graphical session, so Pitwall runs without a tray icon.' };
  if (!env.DBUS_SESSION_BUS_ADDRESS) return { available: false, reason: NO_TRAY_REASON };
  const gdbus = await run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', WATCHER]);
  const answer =
    (gdbus === null ? null : parseNameHasOwner(gdbus)) ??
    parseNameHasOwner(
      (await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${WATCHER}`])) ?? '',
    );
  if (answer === false) return { available: false, reason: NO_TRAY_REASON };
  return { available: true, reason: null };
}

function runProgram(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 2000, encoding: 'utf8' }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/** What closing the window does: hide it (Pitwall stays in the tray) or close it. */
export function closeAction(options: { closeToTray: boolean; trayAvailable: boolean; quitting: boolean }): 'hide' | 'close' {
  return options.closeToTray && options.trayAvailable && !options.quitting ? 'hide' : 'close';
}

/** Whether Pitwall quits when its last window closed: not on macOS, and not while it lives in the tray. */
export function quitWhenAllClosed(platform: NodeJS.Platform, livesInTray: boolean): boolean {
  return platform !== 'darwin' && !livesInTray;
}
