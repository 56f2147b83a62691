import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// The hook endpoint the pty host owns, driven as agents (and attackers) drive it: plain HTTP on
// 127.0.0.1 and the real command hook script, against a real core and pty host.

const until = poller({ timeoutMs: 20_000, intervalMs: 50 });
const HOOK = path.resolve(__dirname, '../../resources/hook');

const apps: App[] = [];
afterEach(async () => {
  await apps.at(-1)?.sessions.shutdownAgents().catch(() => undefined);
  for (const app of apps.splice(0)) await app.dispose();
});
afterAll(removeTempDirs);

interface Agent {
  app: App;
  dataDir: string;
  session: Session;
  url: string;
  secret: string;
}

/** A core and a session of a hook-speaking kind whose "agent" prints its hook URL and secret, then waits. */
async function agent(): Promise<Agent> {
  const dataDir = tempDir('pitwall-data-');
  const app = makeTestApp(dataDir);
  apps.push(app);
  await app.ready;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('hook-endpoint') }));
  value(await app.router.dispatch('rules:create', { effect: 'allow', toolName: 'Read', pattern: null }));
  const profile = value<AgentProfile>(
    await app.router.dispatch('profiles:create', { name: 'hooked', kind: 'claude-code', command: '/bin/sh', args: ['-c', 'printf "HOOK=%s=%s=\\n" "$PITWALL_HOOK_URL" "$PITWALL_HOOK_SECRET"; exec sleep 600'] }),
  );
  let screen = '';
  app.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 200, rows: 24 }));
  const [, url, secret] = await until(() => /HOOK=(\S+)=(\S+)=/.exec(screen), 'the hook environment on the screen');
  return { app, dataDir, session, url: url!, secret: secret! };
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return fetch(url, { method: 'POST', headers, body }).then(async (res) => ({ status: res.status, body: await res.text() }));
}

const event = (name: string, extra: object = {}) => JSON.stringify({ hook_event_name: name, tool_name: 'Read', tool_input: { file_path: '/etc/hostname' }, tool_use_id: `toolu_${crypto.randomUUID()}`, ...extra });

/** Runs the real command hook with `env` and `input` on stdin; resolves with what it printed. */
function runHook(env: Record<string, string>, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [HOOK, 'claude-code'], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

async function audit(app: App, sessionId: string) {
  return value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null; reason: string | null }[]>(await app.router.dispatch('audit:list', { sessionId }));
}

describe('the hook endpoint', () => {
  it('refuses a wrong secret, a forged MAC, another session and another agent with 401, and records nothing', async () => {
    const { app, session, url, secret } = await agent();
    const endpoint = `${url}/hook/claude-code`;
    const base = { 'content-type': 'application/json', 'x-pitwall-session': session.id };
    for (const name of ['PreToolUse', 'PostToolUse']) {
      expect((await post(endpoint, { ...base, authorization: 'Bearer wrong-secret-0123456789' }, event(name))).status).toBe(401);
      expect((await post(endpoint, { ...base, authorization: `Bearer ${secret}x` }, event(name))).status).toBe(401);
      expect((await post(endpoint, { ...base, 'x-pitwall-session': 'another-session', authorization: `Bearer ${secret}` }, event(name))).status).toBe(401);
      const body = event(name);
      const nonce = crypto.randomBytes(18).toString('base64url');
      const forged = crypto.createHmac('sha256', 'not-the-secret').update(`pitwall-hook-request\n${session.id}\n${nonce}\n`).update(body).digest('hex');
      expect((await post(endpoint, { ...base, 'x-pitwall-nonce': nonce, 'x-pitwall-auth': forged }, body)).status).toBe(401);
      expect((await post(endpoint, base, body)).status).toBe(401);
      expect((await post(`${url}/hook/codex`, { ...base, authorization: `Bearer ${secret}` }, body)).status).toBe(401);
    }
    expect(await audit(app, session.id)).toEqual([]);
    expect(value<Approval[]>(await app.router.dispatch('approvals:list', {}))).toEqual([]);
    // The right secret is heard (so the refusals above were about the secret, not the route).
    const allowed = await post(endpoint, { ...base, authorization: `Bearer ${secret}` }, event('PreToolUse'));
    expect(JSON.parse(allowed.body)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } });
    expect(await audit(app, session.id)).toEqual([expect.objectContaining({ toolName: 'Read', decision: 'allow', decidedBy: expect.stringMatching(/^rule:/) })]);
  });

  it('lets the command hook trust only an answer signed with the session secret; a squatter gets "ask" and never sees the secret', async () => {
    const { session, url, secret } = await agent();
    const env = { PITWALL_HOOK_URL: url, PITWALL_HOOK_SECRET: secret, PITWALL_SESSION_ID: session.id };
    expect(JSON.parse(await runHook(env, event('PreToolUse')))).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } });

    // Another process answers on another port, as if it had taken over the hook URL.
    const seen: string[] = [];
    const squatter = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(JSON.stringify(req.headers) + body);
        const answer = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'trust me' } });
        res.writeHead(200, { 'content-type': 'application/json', 'x-pitwall-signature': 'f'.repeat(64) }).end(answer);
      });
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    try {
      const squatted = { ...env, PITWALL_HOOK_URL: `http://127.0.0.1:${(squatter.address() as AddressInfo).port}` };
      const answer = JSON.parse(await runHook(squatted, event('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'rm -rf ~' } })));
      expect(answer).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('did not come from Pitwall') } });
      expect(seen).toHaveLength(1);
      expect(seen[0]).not.toContain(secret);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('survives hook requests aborted in the middle of their body: the host, its agents and the core go on', async () => {
    const { app, dataDir, session, url, secret } = await agent();
    const { port } = new URL(url);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST /hook/claude-code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${secret}\r\nX-Pitwall-Session: ${session.id}\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`,
          );
          socket.write(`{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"content":"${'x'.repeat(1024 * 1024)}`, () => {
            socket.destroy();
            resolve();
          });
        });
        socket.on('error', () => resolve());
      });
    }
    // A half-sent MAC'd request too (the command hook's kind), and garbage.
    await post(`${url}/hook/claude-code`, { 'x-pitwall-session': session.id, 'x-pitwall-nonce': 'n'.repeat(24), 'x-pitwall-auth': 'a' }, '{not json').catch(() => undefined);
    const answered = await post(`${url}/hook/claude-code`, { 'content-type': 'application/json', 'x-pitwall-session': session.id, authorization: `Bearer ${secret}` }, event('PreToolUse'));
    expect(JSON.parse(answered.body)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } });
    expect((await app.ptyHost.list()).find((s) => s.sessionId === session.id)).toMatchObject({ running: true });
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: session.id })).status).toBe('running');
    // Not even caught by the host's last-resort handler: the aborts were handled where they happen.
    expect(fs.readFileSync(path.join(dataDir, 'logs', 'pty-host.log'), 'utf8')).not.toMatch(/unexpected error|unhandled rejection/);
  });

  it('answers "ask" itself while no core is connected, and hands what happened to the next core', async () => {
    const { app, dataDir, session, url, secret } = await agent();
    await app.dispose();
    apps.pop();
    const headers = { 'content-type': 'application/json', 'x-pitwall-session': session.id, authorization: `Bearer ${secret}` };
    const asked = await post(`${url}/hook/claude-code`, headers, event('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'make deploy' }, tool_use_id: 'toolu_away' }));
    expect(JSON.parse(asked.body)).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('Pitwall is not connected') } });
    expect((await post(`${url}/hook/claude-code`, headers, event('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'make deploy' }, tool_use_id: 'toolu_away', tool_response: { stdout: 'deployed' } }))).status).toBe(200);

    const next = makeTestApp(dataDir);
    apps.push(next);
    await next.ready;
    const rows = await until(async () => ((await audit(next, session.id)).length === 2 ? audit(next, session.id) : undefined), 'both calls in the audit');
    expect(rows.map((r) => [r.toolName, r.status, r.decision, r.decidedBy]).sort()).toEqual([
      ['Bash', 'completed', null, null],
      ['Bash', 'decided', 'ask', 'pitwall-host'],
    ]);
    expect(rows.find((r) => r.status === 'decided')!.reason).toContain('Asked in the terminal: Pitwall core not connected');
  });

  it('keeps what no core took when the host leaves, and the next core gets it from a new host', async () => {
    const { app, dataDir, session, url, secret } = await agent();
    const hostPid = app.ptyHost.hostPid()!;
    const agentPid = (await app.ptyHost.list()).find((s) => s.sessionId === session.id)!.pid;
    await app.dispose();
    apps.pop();
    const headers = { 'content-type': 'application/json', 'x-pitwall-session': session.id, authorization: `Bearer ${secret}` };
    const done = event('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'make test' }, tool_use_id: 'toolu_kept', tool_response: { stdout: 'all green' } });
    expect((await post(`${url}/hook/claude-code`, headers, done)).status).toBe(200);
    // The agent ends; with no agent and no core the host leaves after its idle time (5 s in tests).
    process.kill(agentPid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(hostPid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the pty host to leave', 20_000);
    const kept = fs.readdirSync(path.join(dataDir, 'run')).filter((f) => f.endsWith('.kept.json'));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(dataDir, 'run', kept[0]!)).mode & 0o777).toBe(0o600);

    const next = makeTestApp(dataDir);
    apps.push(next);
    await next.ready;
    const rows = await until(async () => {
      const all = await audit(next, session.id);
      return all.length > 0 ? all : undefined;
    }, 'the kept call in the audit');
    expect(rows).toEqual([expect.objectContaining({ toolName: 'Bash', status: 'completed' })]);
    expect(fs.readdirSync(path.join(dataDir, 'run')).filter((f) => f.endsWith('.kept.json'))).toEqual([]);
  });
});
