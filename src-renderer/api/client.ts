import type { PitwallClient } from '../../src-common/client';
import { createWebClient } from './web-client';

declare global {
  interface Window {
    /** Installed by the Electron preload; absent when served by the headless shell. */
    pitwall?: PitwallClient;
  }
}

let client: PitwallClient | null = null;

/** The one client for this window: the preload's in Electron, the web client otherwise. */
export function getClient(): PitwallClient {
  client ??= window.pitwall ?? createWebClient();
  return client;
}
