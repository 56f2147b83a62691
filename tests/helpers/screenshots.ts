import fs from 'node:fs';
import path from 'node:path';

/**
 * Where e2e tests save the pictures they take: an ignored folder, so `npm test` leaves the
 * working tree clean. `npm run screenshots` points PITWALL_SCREENSHOTS_DIR at docs/screenshots to
 * refresh the README's pictures on purpose.
 */
export function screenshotPath(name: string): string {
  const dir = path.resolve(process.env.PITWALL_SCREENSHOTS_DIR ?? path.join(__dirname, '../../test-results/screenshots'));
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/**
 * Where e2e tests save pictures taken for a person to look at (every page at 1280×800 and
 * 1920×1080), never the README's: always the ignored folder, even under `npm run screenshots`.
 */
export function reviewShotPath(name: string): string {
  const dir = path.resolve(__dirname, '../../test-results/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
