import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries are lint errors; these checks make sure the rules bite.
const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });

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
