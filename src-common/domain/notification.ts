import { z } from 'zod';

/** What Pitwall notifies about; each kind can be turned off in the settings. */
export const NOTIFICATION_KINDS = ['approval', 'input', 'finished', 'review'] as const;
/** One of {@link NOTIFICATION_KINDS}. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * A notification the core decided to raise. `route` is the page a click opens (a hash path such as
 * `sessions/<id>`); `shownOn` lists the views that already show the item (`tasks/*` is any task
 * view), where a focused window needs no notification.
 */
export const noticeSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  body: z.string(),
  route: z.string(),
  shownOn: z.array(z.string()),
  /** Set for an approval: the notification can offer Allow and Deny. */
  approvalId: z.string().nullable(),
});
/** A notification to raise. */
export type Notice = z.infer<typeof noticeSchema>;

/** The hash path of a location (`#/sessions/abc` -> `sessions/abc`). */
export function routeOfHash(hash: string): string {
  return hash.replace(/^#?\/?/, '').replace(/\/+$/, '');
}

/** True when the view at `route` shows what one of `patterns` names (`x/*` is `x` or any `x/<id>`). */
export function routeShows(route: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('/*') ? route === p.slice(0, -2) || route.startsWith(p.slice(0, -1)) : route === p));
}

/** Nothing is raised while the window has focus and already shows the item. */
export function isOnScreen(notice: Pick<Notice, 'shownOn'>, view: { focused: boolean; visible: boolean; route: string }): boolean {
  return view.focused && view.visible && routeShows(view.route, notice.shownOn);
}
