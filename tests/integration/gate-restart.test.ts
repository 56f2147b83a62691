import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import { signalTree } from '../../src-main/agents/pty-host/kill-tree';
import type { App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// A gate with no gap: a real Claude Code agent keeps running in the pty host while the core is
// disposed and a new core starts on the same data dir. The hook endpoint belongs to the pty host,
// so the agent's calls reach the new core; the approval it waited on is matched again, never
// decided as if it ran, and nothing else can take the endpoint's port.

const until = poller({ timeoutMs: 45_000, intervalMs: 100 });

const apps: App[] = [];
let api: ScriptedModelApi | null = null;

afterEach(async () => {
  const last = apps.at(-1);
  await last?.sessions.shutdownAgents().catch(() => undefined);
  for (const app of apps.splice(0)) await app.dispose();
  await api?.close();
  api = null;
});
afterAll(removeTempDirs);

function core(dataDir: string, home: string): App {
  const app = makeTestApp(dataDir, { ...process.env, HOME: home });
  apps.push(app);
  return app;
}

async function pending(app: App, tool: string): Promise<Approval> {
  return until(async () => value<Approval[]>(await app.router.dispatch('approvals:list', { status: 'pending' })).find((a) => a.toolName === tool), `a pending ${tool} approval`);
}

/** Binds 127.0.0.1:port (or fails with the error), as a squatter would. */
function tryToBind(port: number, host: string): Promise<string> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, host, () => server.close(() => resolve('bound')));
  });
}

async function startAgent() {
  const dataDir = tempDir('pitwall-data-');
  const home = tempDir('pitwall-claude-home-');
  const repo = makeRepo('gate-restart-repo');
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo bash-ran > bash.txt', description: 'write a marker' } } },
    { toolUse: { name: 'Write', input: { file_path: path.join(repo, 'hello.txt'), content: 'hello after a restart\n' } } },
    { text: 'ALL-DONE-77' },
  ]);
  const env = seedClaudeHome(home, api.url, [repo]);
  const first = core(dataDir, home);
  await first.ready;
  const project = value<Project>(await first.router.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(await first.router.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));
  const session = value<Session>(await first.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Make the two files', cols: 120, rows: 40 }));
  return { dataDir, home, repo, first, session };
}

describe('the gate across a restart of the core (real Claude Code)', () => {
  it('hands a waiting call to the new core, matched to its approval; the next call appears there too', async () => {
    const { dataDir, home, repo, first, session } = await startAgent();
    const bash = await pending(first, 'Bash');
    const hookUrl = await first.ptyHost.hookUrl();
    await first.dispose();

    // The endpoint stays with the pty host: no other process can take its port meanwhile.
    const port = Number(new URL(hookUrl).port);
    expect(await tryToBind(port, '127.0.0.1')).toBe('EADDRINUSE');
    expect(await tryToBind(port, '0.0.0.0')).toBe('EADDRINUSE');

    const second = core(dataDir, home);
    await second.ready;
    // The same approval, still pending: the host asked the new core again and it was matched by tool_use_id.
    const again = value<Approval[]>(await second.router.dispatch('approvals:list', { status: 'pending' }));
    expect(again.map((a) => a.id)).toEqual([bash.id]);
    expect(fs.existsSync(path.join(repo, 'bash.txt'))).toBe(false);
    expect(value<Approval>(await second.router.dispatch('approvals:decide', { id: bash.id, decision: 'allow' }))).toMatchObject({ status: 'allowed', decidedBy: 'user' });
    await until(() => fs.existsSync(path.join(repo, 'bash.txt')), 'bash.txt');

    // The agent's next tool call appears in the new core's Approvals, and deciding it there lets it run.
    const write = await pending(second, 'Write');
    expect(write.sessionId).toBe(session.id);
    value(await second.router.dispatch('approvals:decide', { id: write.id, decision: 'allow' }));
    await until(() => fs.existsSync(path.join(repo, 'hello.txt')), 'hello.txt');
    expect(fs.readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toBe('hello after a restart\n');
    await until(() => api!.requests.some((r) => JSON.stringify(r.messages ?? []).includes('hello.txt') && JSON.stringify(r.messages ?? []).includes('tool_result')), 'the Write result reaching the model');

    // Both tool results made it into the audit of the new core.
    const audit = await until(async () => {
      const rows = value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null }[]>(await second.router.dispatch('audit:list', { sessionId: session.id }));
      return rows.filter((r) => r.status === 'completed').length === 2 ? rows : undefined;
    }, 'both PostToolUse rows');
    expect(audit.filter((r) => r.status === 'decided').map((r) => [r.toolName, r.decision, r.decidedBy]).sort()).toEqual([
      ['Bash', 'allow', 'user'],
      ['Write', 'allow', 'user'],
    ]);
  });

  it('expires an approval whose agent went away while no core was running; it cannot be allowed afterwards', async () => {
    const { dataDir, home, repo, first, session } = await startAgent();
    const bash = await pending(first, 'Bash');
    const pid = (await first.ptyHost.list()).find((s) => s.sessionId === session.id)!.pid;
    await first.dispose();
    // The agent dies while no core is there to hear of it: its hook call ends unanswered.
    signalTree(pid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the agent gone (reaped by the pty host)');

    const second = core(dataDir, home);
    await second.ready;
    const after = second.approvals.get(bash.id);
    expect(after).toMatchObject({ status: 'expired', decidedBy: 'pitwall' });
    expect(after.reason).toMatch(/nothing waits for this decision/);
    const refused = await second.router.dispatch('approvals:decide', { id: bash.id, decision: 'allow' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('expired') } });
    expect(second.approvals.get(bash.id).status).toBe('expired');
    expect(fs.existsSync(path.join(repo, 'bash.txt'))).toBe(false);
    const audit = value<{ decision: string | null }[]>(await second.router.dispatch('audit:list', { sessionId: session.id }));
    expect(audit.some((r) => r.decision === 'allow')).toBe(false);
  });
});
