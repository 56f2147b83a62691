// Where the end-to-end tests find Chromium: PITWALL_CHROMIUM, else the usual system paths.
import fs from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** The Chromium executable to drive, or null when none is installed. */
export function findChromium(env = process.env) {
  if (env.PITWALL_CHROMIUM) return fs.existsSync(env.PITWALL_CHROMIUM) ? env.PITWALL_CHROMIUM : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}
