import type { LockReason } from '../api/page-token';

const TITLES: Record<LockReason, string> = {
  missing: 'Open Pitwall from the link it printed',
  'old-link': 'This link is in an old format',
  refused: 'This link is no longer valid',
};

/** Shown instead of the app when a page served by the headless shell has no usable token. */
export function AccessScreen({ reason }: { reason: LockReason }) {
  const origin = window.location.origin;
  return (
    <main className="access-screen" data-testid="access-screen" data-reason={reason}>
      <div className="access-card" role="alert">
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">◢</span> Pitwall
        </div>
        <h1>{TITLES[reason]}</h1>
        {reason === 'missing' ? (
          <p>This page needs the access link Pitwall printed when it started. Without it, nothing here can reach your projects.</p>
        ) : null}
        {reason === 'old-link' ? (
          <p>
            Links with the token in the query (<code>?token=</code>) are no longer accepted: a query is sent over the wire and kept in the browser
            history. Pitwall now prints a link whose token follows a <code>#</code>, which the browser keeps to itself.
          </p>
        ) : null}
        {reason === 'refused' ? (
          <p>Pitwall did not accept the token this tab opened with. It was probably restarted, and printed a new link.</p>
        ) : null}
        <p>In the terminal where you ran Pitwall, find the line</p>
        <pre className="access-example">
          Pitwall listening on {origin}/#token=<span className="muted">…</span>
        </pre>
        <p className="muted small">
          Open that whole link in this tab. The token stays in this tab until you close it; <code className="nowrap">npm run serve -- --help</code>{' '}
          lists the options.
        </p>
      </div>
    </main>
  );
}
