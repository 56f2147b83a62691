import type { Notification as NotificationType, NotificationConstructorOptions } from 'electron';
import { isOnScreen, type Notice } from '../../src-common/domain/notification';
import { noticeActions } from '../notifications/notification-rules';

/** What OS notifications need, passed in so tests can give stand-ins. */
export interface NotificationDeps {
  Notification: { new (options: NotificationConstructorOptions): NotificationType; isSupported(): boolean };
  platform: NodeJS.Platform;
  /** What the window shows now. */
  view(): { focused: boolean; visible: boolean; route: string };
  open(route: string): void;
  /** Decides an approval through the same path as the Approvals page. */
  decide(approvalId: string, decision: 'allow' | 'deny'): void;
}

/**
 * Raises the core's notices as OS notifications: a click opens the page, Allow / Deny buttons
 * where the platform has them. Shown ones are kept (a collected notification loses its handlers)
 * until clicked, closed, or their approval is decided elsewhere.
 */
export class NotificationPresenter {
  private readonly shown = new Map<string, { notice: Notice; notification: NotificationType }>();

  constructor(private readonly deps: NotificationDeps) {}

  /** Shows a notice unless notifications are unsupported or its item is on screen; true when shown. */
  show(notice: Notice): boolean {
    if (!this.deps.Notification.isSupported() || isOnScreen(notice, this.deps.view())) return false;
    const actions = noticeActions(notice, this.deps.platform);
    const notification = new this.deps.Notification({
      title: notice.title,
      body: notice.body,
      ...(actions.length > 0 ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.label })) } : {}),
    });
    this.shown.get(notice.id)?.notification.close();
    this.shown.set(notice.id, { notice, notification });
    notification.on('click', () => {
      this.forget(notice.id);
      this.deps.open(notice.route);
    });
    notification.on('close', () => this.forget(notice.id));
    notification.on('action', (_event, index) => {
      const action = actions[index];
      this.forget(notice.id);
      if (action && notice.approvalId) this.deps.decide(notice.approvalId, action.decision);
    });
    notification.show();
    return true;
  }

  /** Closes approval notifications whose approval no longer waits (decided in the app, the tray, or timed out). */
  retainApprovals(pending: ReadonlySet<string>): void {
    for (const [id, { notice, notification }] of this.shown) {
      if (notice.approvalId && !pending.has(notice.approvalId)) {
        this.shown.delete(id);
        notification.close();
      }
    }
  }

  /** Closes everything (quitting). */
  dispose(): void {
    for (const { notification } of this.shown.values()) notification.close();
    this.shown.clear();
  }

  private forget(id: string): void {
    this.shown.delete(id);
  }
}
