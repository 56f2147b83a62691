import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The Electron binary cannot exist in CI; glue tests import a stand-in for the 'electron' module.
const alias = { electron: resolve(__dirname, 'tests/helpers/electron-stand-in.ts') };
// A private, empty HOME for every test (XDG folders unset so they follow it), checked before and after each one.
const setupFiles = ['tests/helpers/private-home-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', setupFiles } },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // A whole `npm ci` of a copy of the checkout: run on its own, after the others (`npm test` does).
        test: { name: 'install', include: ['tests/install/**/*.test.ts'], environment: 'node', testTimeout: 20 * 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
