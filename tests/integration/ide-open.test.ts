import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { EditorsInfo } from '../../src-common/domain/ide';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import { createApp, type App } from '../../src-main/app';
import { makeRepo, write } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 15_000, intervalMs: 25 });

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

/** A stand-in launcher (the editors cannot be installed here): records its working directory and arguments. */
function launcher(bin: string, name: string, log: string): void {
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${log}.tmp' && mv '${log}.tmp' '${log}'\n`, { mode: 0o755 });
}

async function setup() {
  const dataDir = tempDir('pitwall-data-');
  const bin = tempDir('pitwall-bin-');
  const logs = tempDir('pitwall-launch-');
  for (const name of ['code', 'zed', 'x-terminal-emulator']) launcher(bin, name, path.join(logs, name));
  // No login shell (it is asked lazily, so SHELL alone would not keep it out): PATH is exactly the
  // stand-ins' folder plus what sessions need, so a real terminal installed here is never started.
  app = createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    shell: 'headless',
    version: 'test',
    ptyHostLaunch: ptyHostLaunchFromSource,
    searchPath: `${bin}:/usr/bin:/bin`,
    sessionOptions: { baseEnv: { ...process.env, HOME: dataDir, PATH: `${bin}:/usr/bin:/bin` }, stopGraceMs: 300 },
    userEnvironment: { shell: '' },
    transcriptRoots: [],
  });
  await app.ready;
  const repo = makeRepo('billing');
  write(repo, 'src/app.ts', 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  const worktree = value<Worktree>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch: 'fix/login' }));
  write(worktree.path, 'src/app.ts', 'export const a = 1;\n');
  const launched = (name: string) => until(() => fs.existsSync(path.join(logs, name)) && fs.readFileSync(path.join(logs, name), 'utf8').trim().split('\n'), `${name} to be started`);
  return { bin, logs, project, worktree, launched };
}

describe('open in the IDE', () => {
  it('lists the editors and terminal found on the PATH, the first real editor preferred', async () => {
    await setup();
    const info = value<EditorsInfo>(await app!.router.dispatch('ide:list', {}));
    expect(info.editors.slice(0, 2)).toEqual([
      { id: 'vscode', name: 'VS Code', family: 'vscode', atLine: true },
      { id: 'zed', name: 'Zed', family: 'zed', atLine: true },
    ]);
    expect(info.terminal).toEqual({ name: 'Default terminal' });
    expect(info.preferred).toBe('vscode');
    value(await app!.router.dispatch('settings:update', { preferredEditor: 'zed' }));
    expect(value<EditorsInfo>(await app!.router.dispatch('ide:list', {})).preferred).toBe('zed');
  });

  it('opens a file of a worktree at a line, in the worktree as the workspace', async () => {
    const { worktree, launched } = await setup();
    expect(value(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, path: 'src/app.ts', line: 3, column: 2, editorId: 'vscode' }))).toEqual({ editor: 'VS Code', atLine: true });
    expect(await launched('code')).toEqual([worktree.path, worktree.path, '--goto', `${path.join(worktree.path, 'src/app.ts')}:3:2`]);
  });

  it("opens a session's folder in the preferred editor, and a terminal there", async () => {
    const { project, launched } = await setup();
    const profile = value<AgentProfile>(await app!.router.dispatch('profiles:create', { name: 'idle', kind: 'shell', command: '/bin/sleep', args: ['30'] }));
    const session = value<Session>(await app!.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    value(await app!.router.dispatch('settings:update', { preferredEditor: 'zed' }));
    expect(value(await app!.router.dispatch('ide:open', { sessionId: session.id }))).toEqual({ editor: 'Zed', atLine: false });
    expect(await launched('zed')).toEqual([project.path, project.path]);
    expect(value(await app!.router.dispatch('ide:open-terminal', { sessionId: session.id }))).toEqual({ terminal: 'Default terminal' });
    expect(await launched('x-terminal-emulator')).toEqual([project.path]);
  });

  it('refuses paths outside the worktree, missing files, unknown editors and unclear targets', async () => {
    const { worktree, bin } = await setup();
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, path: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid_path' } });
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid_path' } });
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, path: 'gone.ts', line: 1 })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('gone.ts') } });
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, editorId: 'notepad-plus-plus' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await app!.router.dispatch('ide:open', { path: 'src/app.ts' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, line: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await app!.router.dispatch('ide:open', { worktreeId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A launcher that vanished after detection: a clear error, not a crash.
    value(await app!.router.dispatch('ide:list', {}));
    fs.rmSync(path.join(bin, 'zed'));
    expect(await app!.router.dispatch('ide:open', { worktreeId: worktree.id, editorId: 'zed' })).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('Could not start zed') } });
  });
});
