// Where the end-to-end tests find Chromium: PITWALL_CHROMIUM, else a Chromium or Chrome on PATH,
// else the platform's usual install locations.
import fs from 'node:fs';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** The usual install locations of Chromium and Chrome on a platform. */
export function installLocations(platform, env) {
  if (platform === 'darwin') {
    return ['Chromium', 'Google Chrome'].flatMap((app) => [
      `/Applications/${app}.app/Contents/MacOS/${app}`,
      path.posix.join(env.HOME ?? '~', `Applications/${app}.app/Contents/MacOS/${app}`),
    ]);
  }
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter(Boolean);
    return roots.flatMap((root) => [path.win32.join(root, 'Chromium', 'Application', 'chrome.exe'), path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
}

/** The Chromium executable to drive, or null when none is installed. */
export function findChromium(env = process.env, platform = process.platform, exists = (p) => fs.existsSync(p)) {
  if (env.PITWALL_CHROMIUM) return exists(env.PITWALL_CHROMIUM) ? env.PITWALL_CHROMIUM : null;
  const delimiter = platform === 'win32' ? ';' : ':';
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const exts = platform === 'win32' ? ['.exe'] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      for (const ext of exts) {
        const candidate = join(dir, name + ext);
        if (exists(candidate)) return candidate;
      }
    }
  }
  return installLocations(platform, env).find((p) => exists(p)) ?? null;
}
