import type { Configuration } from 'electron-builder';

// Installers: AppImage and deb (Linux), dmg + zip for x64 and arm64 (macOS; the zip is what
// updates download there), NSIS (Windows). `npm run dist` builds the current platform's.

/** Native modules: rebuilt for Electron's ABI by electron-builder and kept outside the asar (dlopen cannot read inside it). */
export const NATIVE_MODULES = ['better-sqlite3', 'node-pty'] as const;

/** Dependencies only the renderer uses: Vite bundles them into out/renderer, so node_modules needs no copy. */
export const RENDERER_ONLY = ['react', 'react-dom', 'scheduler', 'highlight.js', '@xterm/xterm', '@xterm/addon-fit', '@xterm/addon-search', '@xterm/addon-web-links'] as const;

/** A generic update feed baked into the build (app-update.yml), when PITWALL_UPDATE_FEED is set; else the app asks for one in its settings. */
const feed = process.env.PITWALL_UPDATE_FEED?.trim();

export const config: Configuration = {
  appId: 'dev.pitwall.desktop',
  productName: 'Pitwall',
  executableName: 'pitwall',
  copyright: 'Copyright © Pitwall contributors',
  directories: { output: 'dist', buildResources: 'resources/build' },
  // What the app needs at run time: the built bundles, the migrations, the hook and tray icons.
  // Production dependencies are added by electron-builder itself; devDependencies never are.
  files: [
    'package.json',
    'out/**/*',
    '!out/**/*.map',
    'db/migrations/**/*',
    'resources/**/*',
    '!resources/build{,/**/*}',
    // What the native modules were compiled from (the SQLite amalgamation alone is 9 MB).
    '!node_modules/better-sqlite3/{deps,src}{,/**/*}',
    '!node_modules/better-sqlite3/build/{deps,Release/obj,Release/obj.target,Release/.deps,Release/test_extension.node}{,/**/*}',
    '!node_modules/node-pty/{src,scripts}{,/**/*}',
    // Dependencies' own tests, TypeScript sources (Node never loads them) and source maps.
    '!node_modules/**/{test,tests,__tests__,__mocks__}{,/**/*}',
    '!node_modules/**/*.{test,spec}.{js,cjs,mjs}',
    '!node_modules/**/*.{ts,mts,cts}',
    '!node_modules/**/*.map',
    // Bundled into the renderer by Vite; the main process never loads them.
    ...RENDERER_ONLY.map((name) => `!node_modules/${name}{,/**/*}`),
  ],
  asar: true,
  // The native modules as whole packages (node-pty finds its binary and spawn-helper next to
  // its lib), the hook agents run with Node, and tray icons that Linux tray hosts read from disk.
  asarUnpack: [...NATIVE_MODULES.map((name) => `node_modules/${name}/**/*`), 'resources/hook', 'resources/tray/**/*'],
  npmRebuild: true,
  buildDependenciesFromSource: false,
  electronFuses: {
    // The pty host and the agent hook run as Electron-as-Node (ELECTRON_RUN_AS_NODE).
    runAsNode: true,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
  },
  publish: feed ? [{ provider: 'generic', url: feed }] : null,
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ],
    category: 'Development',
    synopsis: 'The pit wall for coding agents',
    maintainer: 'Pitwall contributors <pitwall@users.noreply.github.com>',
  },
  deb: {
    // The tray icon is a StatusNotifierItem; desktops without a host need an AppIndicator extension.
    recommends: ['libayatana-appindicator3-1'],
  },
  mac: {
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    // Notification buttons (Allow / Deny) need the alert style.
    extendInfo: { NSUserNotificationAlertStyle: 'alert' },
  },
  dmg: { writeUpdateInfo: false },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
};

export default config;
