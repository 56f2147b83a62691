import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installWebClient } from './api/client';
import { pageStorage, takePageToken } from './api/page-token';
import { App } from './app';
import { WebShell } from './web-shell';
import './styles/app.css';

const root = createRoot(document.getElementById('root')!);
if (window.pitwall) {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} else {
  // Served by the headless shell: take the token out of the link before anything reads the address (the router reads the hash).
  const replace = (url: string): void => window.history.replaceState(window.history.state, '', url);
  const access = takePageToken(window.location.href, pageStorage(), replace);
  // Pasting the link into this tab's address bar only changes the hash, which loads nothing:
  // take the new token and start over with it.
  window.addEventListener('hashchange', () => {
    if (!window.location.hash.startsWith('#token=')) return;
    takePageToken(window.location.href, pageStorage(), replace);
    window.location.reload();
  });
  if (access.kind === 'token') installWebClient(access.token);
  root.render(
    <StrictMode>
      <WebShell access={access} />
    </StrictMode>,
  );
}
