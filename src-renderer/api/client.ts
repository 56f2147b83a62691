import type { PitwallClient } from '../../src-common/client';
import { createWebClient } from './web-client';

declare global {
  interface Window {
    /** Installed by the Electron preload; absent when served by the headless shell. */
    pitwall?: PitwallClient;
  }
}

let client: PitwallClient | null = null;
const refusedListeners = new Set<() => void>();

/** The one client for this window: the preload's in Electron, else the one {@link installWebClient} made. */
export function getClient(): PitwallClient {
  client ??= window.pitwall ?? null;
  if (!client) throw new Error('No Pitwall client: the page was opened without its access token.');
  return client;
}

/** Makes the web client for a page served by the headless shell, with the token it opened with. */
export function installWebClient(token: string): void {
  client = createWebClient({ base: new URL(window.location.href), token, onUnauthorized: () => refusedListeners.forEach((l) => l()) });
}

/** Calls `listener` when the headless shell refuses the token; returns the function that stops it. */
export function onTokenRefused(listener: () => void): () => void {
  refusedListeners.add(listener);
  return () => refusedListeners.delete(listener);
}
