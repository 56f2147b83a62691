import type { Session } from 'electron';

/**
 * The web permissions Pitwall's own page uses: the terminal's copy and paste (Ctrl+Shift+C/V go
 * through navigator.clipboard). Everything else (camera, microphone, geolocation, notifications,
 * MIDI, HID, serial, fullscreen…) is refused: Electron would grant it by default. Approval
 * notifications come from the main process (Electron's Notification), not from the web API.
 */
export const APP_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'clipboard-read']);

/** True when a frame may have `permission`: one the app uses, asked by the app's own page in its main frame. */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, isMainFrame: boolean, isTrusted: (url: string) => boolean): boolean {
  return APP_PERMISSIONS.has(permission) && isMainFrame && requestingUrl !== undefined && isTrusted(requestingUrl);
}

/** True when the window may go to `url`, by a navigation or a server redirect: only to the app itself. */
export function isNavigationAllowed(url: string, isTrusted: (url: string) => boolean): boolean {
  return isTrusted(url);
}

/** Answers the session's permission requests and checks with {@link isPermissionAllowed}. */
export function guardPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>, isTrusted: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, details.isMainFrame, isTrusted));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => isPermissionAllowed(permission, details.requestingUrl, details.isMainFrame, isTrusted));
}
