import { describe, expect, it } from 'vitest';
import { findChromium } from '../../scripts/chromium-path.mjs';

const only = (...present: string[]) => (p: string) => present.includes(p);

describe('finding Chromium for the end-to-end tests', () => {
  it('takes PITWALL_CHROMIUM when it exists, and nothing else when it does not', () => {
    expect(findChromium({ PITWALL_CHROMIUM: '/opt/c/chrome', PATH: '/usr/bin' }, 'linux', only('/opt/c/chrome', '/usr/bin/chromium'))).toBe('/opt/c/chrome');
    expect(findChromium({ PITWALL_CHROMIUM: '/opt/c/chrome', PATH: '/usr/bin' }, 'linux', only('/usr/bin/chromium'))).toBeNull();
  });

  it('finds a Chromium or Chrome on PATH, in PATH order', () => {
    expect(findChromium({ PATH: '/home/u/bin:/usr/local/bin' }, 'linux', only('/usr/local/bin/google-chrome-stable', '/home/u/bin/chromium-browser'))).toBe('/home/u/bin/chromium-browser');
  });

  it('falls back to the platform install locations', () => {
    expect(findChromium({ PATH: '' }, 'linux', only('/snap/bin/chromium'))).toBe('/snap/bin/chromium');
    expect(findChromium({ PATH: '', HOME: '/Users/me' }, 'darwin', only('/Users/me/Applications/Chromium.app/Contents/MacOS/Chromium'))).toBe(
      '/Users/me/Applications/Chromium.app/Contents/MacOS/Chromium',
    );
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(findChromium({ Path: 'C:\\Windows', PROGRAMFILES: 'C:\\Program Files' }, 'win32', only(chrome))).toBe(chrome);
  });

  it('answers null when there is none', () => {
    expect(findChromium({ PATH: '/usr/bin' }, 'linux', only())).toBeNull();
  });
});
