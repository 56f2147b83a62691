import { useEffect, useState } from 'react';
import { getClient, onTokenRefused } from './api/client';
import { forgetPageToken, pageStorage, type LockReason, type PageAccess } from './api/page-token';
import { App } from './app';
import { AccessScreen } from './components/access-screen';

type Gate = { kind: 'checking' } | { kind: 'open' } | { kind: 'locked'; reason: LockReason };

/**
 * The app as the headless shell serves it: the token is checked once before the app shows (a
 * wrong one gets the access screen, not a page of errors), and a refusal later (the shell
 * restarted with a new token) swaps the app for the access screen too.
 */
export function WebShell({ access }: { access: PageAccess }) {
  const [gate, setGate] = useState<Gate>(access.kind === 'token' ? { kind: 'checking' } : { kind: 'locked', reason: access.reason });

  useEffect(() => {
    if (access.kind !== 'token') return;
    let live = true;
    const off = onTokenRefused(() => {
      forgetPageToken(pageStorage());
      if (live) setGate({ kind: 'locked', reason: 'refused' });
    });
    // Any answer but a refusal opens the app; it shows its own errors (the shell may be restarting).
    void getClient()
      .api.app.info({})
      .then((result) => {
        if (live && (result.ok || result.error.code !== 'unauthorized')) setGate((g) => (g.kind === 'checking' ? { kind: 'open' } : g));
      });
    return () => {
      live = false;
      off();
    };
  }, [access]);

  if (gate.kind === 'locked') return <AccessScreen reason={gate.reason} />;
  if (gate.kind === 'checking') return <div className="access-checking" aria-busy="true" aria-label="Connecting to Pitwall" />;
  return <App />;
}
