import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { startCoreProcess, type CoreProcess } from '../helpers/core-process';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenText } from '../helpers/terminal-text';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// The gate with Pitwall's core killed (SIGKILL) while Claude Code runs: the pty host keeps the hook
// endpoint and answers "ask", the CLI (in its own default permission mode) shows its own prompt,
// and neither the command nor the file happens. The next core audits what the agent got.

const until = poller({ timeoutMs: 60_000, intervalMs: 100, contextChars: 2000 });

let core: CoreProcess | null = null;
let next: App | null = null;
let api: ScriptedModelApi | null = null;

afterEach(async () => {
  await core?.kill();
  await next?.sessions.shutdownAgents().catch(() => undefined);
  await next?.dispose();
  await api?.close();
  core = null;
  next = null;
  api = null;
});
afterAll(removeTempDirs);

/** The session's terminal output so far, as read from its scrollback file, without escapes and spaces. */
function screenOf(dataDir: string, sessionId: string): string {
  const file = path.join(dataDir, 'scrollback', `${sessionId}.1.log`);
  return fs.existsSync(file) ? screenText(fs.readFileSync(file, 'utf8')) : '';
}

describe.each(['http', 'command'] as const)('the gate with the core killed (%s hook)', (transport) => {
  it('lets the CLI ask in its own prompt for Bash and for Write, and neither runs; the next core audits it', async () => {
    const dataDir = tempDir('pitwall-data-');
    const home = tempDir('pitwall-claude-home-');
    const repo = makeRepo('gate-killed-repo');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    api = await startScriptedModelApi([], {
      scripts: {
        'BASH-AGENT': [{ toolUse: { name: 'Bash', input: { command: 'echo bash-ran > bash.txt', description: 'write a marker' } } }, { text: 'bash agent done' }],
        'WRITE-AGENT': [{ toolUse: { name: 'Write', input: { file_path: path.join(repo, 'hello.txt'), content: 'hello\n' } } }, { text: 'write agent done' }],
      },
      hold,
    });
    const env = seedClaudeHome(home, api.url, [repo]);
    core = await startCoreProcess(dataDir, { ...process.env, HOME: home, PITWALL_TEST_HOOK_TRANSPORT: transport });
    const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await core.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));
    const bash = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'BASH-AGENT: make bash.txt', cols: 120, rows: 40 }));
    const write = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'WRITE-AGENT: make hello.txt', cols: 120, rows: 40 }));
    const held = (key: string) => api!.requests.some((r) => Array.isArray(r.tools) && r.tools.length > 0 && JSON.stringify(r.messages).includes(key));
    await until(() => held('BASH-AGENT') && held('WRITE-AGENT'), 'both agents waiting for the model');

    await core.kill();
    release();

    // Each CLI asks in its own terminal: Pitwall's host answered "ask" because no core was there.
    await until(() => screenOf(dataDir, bash.id).includes('Doyouwanttoproceed'), 'the CLI asking before the Bash command', 60_000, () => screenOf(dataDir, bash.id));
    await until(() => /Doyouwantto(create|make|write)/.test(screenOf(dataDir, write.id)), 'the CLI asking before the Write', 60_000, () => screenOf(dataDir, write.id));
    // The CLIs wait on their prompts: nothing ran.
    expect(fs.existsSync(path.join(repo, 'bash.txt'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'hello.txt'))).toBe(false);

    // The next core gets the host's record of what it answered, and audits what the agent got.
    next = makeTestApp(dataDir, { ...process.env, HOME: home });
    await next.ready;
    for (const [session, tool] of [[bash, 'Bash'], [write, 'Write']] as const) {
      const audit = value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null; reason: string | null }[]>(await next.router.dispatch('audit:list', { sessionId: session.id }));
      expect(audit).toEqual([expect.objectContaining({ toolName: tool, status: 'decided', decision: 'ask', decidedBy: 'pitwall-host', reason: expect.stringContaining('Asked in the terminal: Pitwall core not connected') })]);
    }
    expect(value<Session>(await next.router.dispatch('sessions:get', { sessionId: bash.id })).status).toBe('running');
  });
});
