import type { EventBus } from '../events/event-bus';
import type { Disposable } from '../lifecycle';
import type { SettingsService } from '../settings/settings-service';
import type { StatusService } from '../status/status-service';
import { noticesFor } from './notification-rules';

/**
 * Turns status changes into notices (`notifications:notice` events) by the rules and the per-kind
 * settings. Each shell raises them its own way: Electron as OS notifications, the web page as
 * browser notifications; both skip one whose item is already on screen in a focused window.
 */
export class Notifier implements Disposable {
  private readonly subscription: Disposable;

  constructor(status: StatusService, events: EventBus, settings: Pick<SettingsService, 'get'>) {
    this.subscription = status.onChange((previous, next) => {
      for (const notice of noticesFor(previous, next, settings.get().notifications)) events.emit('notifications:notice', notice);
    });
  }

  dispose(): void {
    Promise.resolve(this.subscription.dispose()).catch((error: unknown) => console.error('[notifier] unsubscribing failed', error));
  }
}
