// Fails early, saying exactly what to install, when the end-to-end tests have no Chromium to drive.
import { findChromium } from './chromium-path.mjs';

if (!findChromium()) {
  console.error(
    [
      'The end-to-end tests need Chromium, and none was found.',
      '  Debian/Ubuntu:  sudo apt-get install -y chromium',
      '  Other systems:  install Chromium or Chrome and set PITWALL_CHROMIUM=/path/to/the/executable',
    ].join('\n'),
  );
  process.exit(1);
}
