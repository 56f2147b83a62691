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
