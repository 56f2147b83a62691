// Lint rules that carry the architecture: import boundaries between environments, one place for
// raw IPC on each side, no default exports in source.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'http', 'https', 'net', 'os', 'path', 'stream', 'url', 'util', 'worker_threads', 'zlib'];
const nodeBuiltinPaths = NODE_BUILTINS.flatMap((name) => [name, `${name}/promises`]).map((name) => ({
  name,
  message: 'Node modules are not available here: keep this code environment-free.',
}));

const electronOnlyInShell = {
  name: 'electron',
  message: "Only src-main/electron/ (and the preload) may import 'electron'.",
};
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC lives only in src-main/electron/ipc-binding.ts and src-preload/index.ts; use the contract.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tsbuild/**', '.native/**', 'test-results/**', 'playwright-report/**', 'db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Closures that read a variable assigned later (event listeners set up before a start) are fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Type-aware: a promise nobody awaits, returns or hands to `void` with a catch is an error
    // nobody hears (an unhandled rejection). The project service finds each file's tsconfig.
    files: ['src-*/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { checkThenables: true }],
    },
  },
  {
    // In the core and the pty host `void` is no excuse either: a rejection there must end in a
    // catch that says what failed, not in the process-wide handler. Nor may an async function be
    // handed to something that ignores its promise (an event listener, a timer).
    files: ['src-main/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { checkThenables: true, ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.cjs', 'resources/hook'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-*/**/*.{ts,tsx}', 'db/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src-main/**/*.ts', 'db/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.mjs'],
    ignores: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }] },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    ignores: ['src-main/electron/ipc-binding.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**', '**/src-server/**'], message: 'db never imports the app layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-server/**/*.ts', 'db/team/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The team server runs without Electron.' }],
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'The team server shares only src-common (and its own db/team) with the desktop.' },
            { group: ['../client', '../schema', '../sync-*', '**/db/client', '**/db/schema', '**/db/sync-*'], message: 'The team server does not use the desktop’s SQLite schema.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: ['**/src-server/**', '**/db/team/**'], message: 'The desktop core talks to the team server over HTTP only.' },
            { group: ['**/src-renderer/**', '**/src-preload/**'], message: 'The core does not import the UI layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-common/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell, ...nodeBuiltinPaths, { name: 'react', message: 'src-common is UI-free.' }],
          patterns: [
            { regex: '^node:', message: 'src-common is environment-free: no node: modules.' },
            { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**', '**/db/**'], message: 'src-common imports nothing from the other layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    ignores: ['src-preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to window.pitwall only.' }, ...nodeBuiltinPaths],
          patterns: [
            { regex: '^node:', message: 'The renderer runs in a browser: no node: modules.' },
            { group: ['**/src-main/**', '**/src-preload/**', '**/db/**', '**/tests/**'], message: 'The renderer imports only src-common.' },
          ],
        },
      ],
    },
  },
);
