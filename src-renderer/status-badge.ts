import type { StatusState, StatusSummary } from '../src-common/domain/status';

// The page's title and favicon carry the same counts as the desktop tray, so a browser tab (the
// headless shell) says at a glance that something waits.

const MARK = { idle: '#8b949e', running: '#2f81f7', attention: '#2f81f7', 'sync-failing': '#8b949e' } as const;

/** The document title: the number of things waiting for the person first, as mail clients do. */
export function statusTitle(summary: Pick<StatusSummary, 'attention' | 'state'>, base = 'Pitwall'): string {
  if (summary.attention > 0) return `(${summary.attention}) ${base}`;
  if (summary.state === 'sync-failing') return `${base} — sync failing`;
  return base;
}

/**
 * The favicon as SVG: Pitwall's mark in the state's colour (hollow when idle) and, in the corner
 * the mark leaves free, a red badge with the count waiting, or a red bar when sync fails.
 */
export function faviconSvg(state: StatusState, attention: number): string {
  const mark =
    state === 'idle'
      ? `<path d="M30 2V30H2Z M25.5 11.5L11.5 25.5H25.5Z" fill="${MARK.idle}" fill-rule="evenodd"/>`
      : `<path d="M30 2V30H2Z" fill="${MARK[state]}"/>`;
  let badge = '';
  if (attention > 0) {
    const text = attention > 9 ? '9+' : String(attention);
    badge = `<circle cx="9.5" cy="9.5" r="9" fill="#e5534b" stroke="#fff" stroke-width="1.5"/><text x="9.5" y="13.6" text-anchor="middle" font-family="Arial,Helvetica,sans-serif" font-weight="700" font-size="${text.length > 1 ? 9.5 : 12}" fill="#fff">${text}</text>`;
  } else if (state === 'sync-failing') {
    badge = '<circle cx="9.5" cy="9.5" r="8" fill="#e5534b" stroke="#fff" stroke-width="1.5"/><rect x="5" y="8.3" width="9" height="2.4" rx="1" fill="#fff"/>';
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" data-state="${state}" data-count="${attention}">${mark}${badge}</svg>`;
}

/** The favicon as a data: URL (the page's CSP allows data: images). */
export function faviconUrl(state: StatusState, attention: number): string {
  return `data:image/svg+xml,${encodeURIComponent(faviconSvg(state, attention))}`;
}
