import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True when an IPC message comes from Pitwall's own renderer: the built index.html loaded from
 * disk, or the dev server electron-vite started. Anything else (a page navigated to, an iframe)
 * is refused.
 */
export function isTrustedSender(frameUrl: string | undefined, rendererFile: string, devServerUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (devServerUrl) {
    try {
      return url.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  if (url.protocol !== 'file:') return false;
  return path.resolve(fileURLToPath(url)) === path.resolve(rendererFile);
}
