import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import pkg from './package.json';

/**
 * Drops Rollup's notes about `@__PURE__` comments it cannot place inside dependencies (zod has
 * several): they are about third-party code, change nothing in our bundle and buried real warnings.
 */
function onwarn(warning: { code?: string; id?: string; message: string }, warn: (w: { code?: string; id?: string; message: string }) => void): void {
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
  warn(warning);
}

// Three builds. Main has two entries over one core: the Electron shell and the headless shell.
// Native modules (better-sqlite3) stay external in main; the sandboxed preload bundles its deps.
export default defineConfig({
  main: {
    define: { __PITWALL_VERSION__: JSON.stringify(pkg.version) },
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          electron: resolve(__dirname, 'src-main/electron/main.ts'),
          serve: resolve(__dirname, 'src-main/serve.ts'),
          'pty-host': resolve(__dirname, 'src-main/agents/pty-host/main.ts'),
          'transcript-scan': resolve(__dirname, 'src-main/transcripts/scan-worker.ts'),
          'transcript-parse': resolve(__dirname, 'src-main/transcripts/parse-worker.ts'),
          'history-worker': resolve(__dirname, 'src-main/transcripts/history-worker.ts'),
        },
        onwarn,
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: { exclude: ['zod', 'uuid'] },
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs' },
        onwarn,
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') }, onwarn },
    },
    plugins: [react()],
  },
});
