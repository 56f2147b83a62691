import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries are lint errors; these checks make sure the rules bite.
// Their made-up files are in no tsconfig, so the type-aware rules are off for them; those are
// checked below on text linted as real files of the projects.
const ROOT = path.resolve(__dirname, '../..');
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' } },
});
const typed = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '../..', file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  it('keep the renderer to src-common', async () => {
    expect(await ruleIds('src-renderer/x.ts', `import { createApp } from '../src-main/app';\nexport const a = createApp;\n`)).toEqual([
      expect.stringContaining('The renderer imports only src-common'),
    ]);
    expect(await ruleIds('src-renderer/x.ts', `import fs from 'node:fs';\nexport const a = fs;\n`)).toEqual([expect.stringContaining('no node: modules')]);
    expect(await ruleIds('src-renderer/x.ts', `import { channels } from '../src-common/contract';\nexport const a = channels;\n`)).toEqual([]);
  });

  it('keep electron inside src-main/electron and raw IPC inside the two wrappers', async () => {
    expect(await ruleIds('src-main/app-x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toEqual([
      expect.stringContaining("Only src-main/electron/"),
    ]);
    expect(await ruleIds('src-main/electron/window-x.ts', `import { ipcMain } from 'electron';\nexport const a = ipcMain;\n`)).toEqual([
      expect.stringContaining('Raw IPC lives only'),
    ]);
    expect(await ruleIds('src-main/electron/ipc-binding.ts', `import type { IpcMain } from 'electron';\nexport type A = IpcMain;\n`)).toEqual([]);
  });

  it('keep src-common free of environments and db free of the app layers', async () => {
    expect(await ruleIds('src-common/x.ts', `import path from 'node:path';\nexport const a = path;\n`)).toEqual([expect.stringContaining('environment-free')]);
    expect(await ruleIds('db/x.ts', `import { createApp } from '../src-main/app';\nexport const a = createApp;\n`)).toEqual([expect.stringContaining('db never imports')]);
  });

  it('keep the team server and the desktop core apart', async () => {
    expect(await ruleIds('src-server/x.ts', `import { createApp } from '../src-main/app';\nexport const a = createApp;\n`)).toEqual([expect.stringContaining('shares only src-common')]);
    expect(await ruleIds('src-server/x.ts', `import { openDatabase } from '../db/client';\nexport const a = openDatabase;\n`)).toEqual([expect.stringContaining('SQLite schema')]);
    expect(await ruleIds('src-server/x.ts', `import { SYNC_TABLES } from '../src-common/sync/tables';\nexport const a = SYNC_TABLES;\n`)).toEqual([]);
    expect(await ruleIds('src-main/x.ts', `import { applyPush } from '../src-server/push';\nexport const a = applyPush;\n`)).toEqual([expect.stringContaining('over HTTP only')]);
  });

  it('forbid default exports in source', async () => {
    expect(await ruleIds('src-main/x.ts', `export default 1;\n`)).toEqual([expect.stringContaining('Use named exports')]);
  });
});

// Type-aware linting builds the projects' programs first: slow on a busy machine.
describe('promise discipline', { timeout: 120_000 }, () => {
  const floating = `async function work(): Promise<void> {}\nexport function go(): void {\n  void work();\n  work().catch(() => undefined);\n}\n`;

  async function typedIds(file: string, code: string): Promise<string[]> {
    const [result] = await typed.lintText(code, { filePath: path.resolve(ROOT, file) });
    return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('refuses a promise left floating in the core, even behind void', async () => {
    expect(await typedIds('src-main/clock.ts', floating)).toEqual([expect.stringContaining('@typescript-eslint/no-floating-promises')]);
    expect(await typedIds('src-main/clock.ts', `async function work(): Promise<void> {}\nexport function go(): void {\n  work();\n}\n`)).toEqual([
      expect.stringContaining('@typescript-eslint/no-floating-promises'),
    ]);
  });

  it('takes void as the renderer\'s explicit fire-and-forget, but not a bare call', async () => {
    expect(await typedIds('src-renderer/format.ts', floating)).toEqual([]);
    expect(await typedIds('src-renderer/format.ts', `async function work(): Promise<void> {}\nexport function go(): void {\n  work();\n}\n`)).toEqual([
      expect.stringContaining('@typescript-eslint/no-floating-promises'),
    ]);
  });

  it('checks the rules of hooks in the renderer', async () => {
    const code = `import { useEffect, useState } from 'react';\nexport function useX(flag: boolean): number {\n  if (flag) useState(0);\n  const [n] = useState(1);\n  useEffect(() => console.log(n), []);\n  return n;\n}\n`;
    const ids = await typedIds('src-renderer/format.ts', code);
    expect(ids).toEqual(expect.arrayContaining([expect.stringContaining('react-hooks/rules-of-hooks'), expect.stringContaining('react-hooks/exhaustive-deps')]));
  });
});
