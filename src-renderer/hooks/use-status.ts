import { useEffect, useState } from 'react';
import { routeOfHash, routeShows } from '../../src-common/domain/notification';
import type { StatusSummary } from '../../src-common/domain/status';
import { getClient } from '../api/client';
import { faviconUrl, statusTitle } from '../status-badge';

/** The status counts, kept live (tray state, page title and favicon badge all come from them). */
export function useStatus(): StatusSummary | null {
  const [summary, setSummary] = useState<StatusSummary | null>(null);
  useEffect(() => {
    const client = getClient();
    let live = true;
    void client.api.status.get({}).then((r) => live && r.ok && setSummary(r.value));
    const off = client.on('status:changed', (s) => setSummary(s));
    return () => {
      live = false;
      off();
    };
  }, []);
  return summary;
}

/** Puts the counts in the document title and the favicon. */
export function useDocumentStatus(summary: StatusSummary | null): void {
  useEffect(() => {
    if (!summary) return;
    document.title = statusTitle(summary);
    let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) {
      link = document.createElement('link');
      link.rel = 'icon';
      document.head.appendChild(link);
    }
    link.type = 'image/svg+xml';
    link.href = faviconUrl(summary.state, summary.attention);
  }, [summary]);
}

/**
 * Browser notifications for the core's notices when served by the headless shell (the desktop app
 * raises OS ones from main): only with permission, and not while this tab has focus and shows
 * the item. A click focuses the tab on the item's page.
 */
export function useWebNotifications(): void {
  useEffect(() => {
    if (window.pitwall || !('Notification' in window)) return;
    return getClient().on('notifications:notice', (notice) => {
      if (Notification.permission !== 'granted') return;
      const onScreen = document.hasFocus() && document.visibilityState === 'visible' && routeShows(routeOfHash(window.location.hash), notice.shownOn);
      if (onScreen) return;
      const n = new Notification(notice.title, { body: notice.body, tag: notice.id });
      n.onclick = () => {
        window.focus();
        window.location.hash = `#/${notice.route}`;
        n.close();
      };
    });
  }, []);
}
