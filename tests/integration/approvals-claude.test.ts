import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 45_000, intervalMs: 100 });

let app: App | null = null;
let api: ScriptedModelApi | null = null;

afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  await api?.close();
  app = null;
  api = null;
});
afterAll(removeTempDirs);

/** A project, a scripted Claude Code profile, and a running session in the project's main checkout. */
async function startAgent(transport: 'http' | 'command', rules: { effect: 'allow' | 'ask' | 'deny'; toolName: string; pattern?: string }[] = []) {
  // The installed CLI (2.1.197) gets HTTP hooks from its version; the command hook is forced.
  app = transport === 'http' ? makeTestApp() : makeTestApp(undefined, undefined, { sessionOptions: { hookTransport: 'command' } });
  await app.ready;
  const repo = makeRepo('approvals-repo');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo bash-ran > bash.txt', description: 'write a marker' } } },
    { toolUse: { name: 'Write', input: { file_path: path.join(repo, 'hello.txt'), content: 'hello from the agent\n' } } },
    { text: 'ALL-DONE-77' },
  ]);
  const env = seedClaudeHome(tempDir('pitwall-claude-home-'), api.url, [repo]);
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));
  for (const r of rules) value(await app.router.dispatch('rules:create', { ...r, pattern: r.pattern ?? null }));
  let screen = '';
  app.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Make the two files', cols: 120, rows: 40 }));
  // The CLI was launched with the hook of that transport.
  const pid = (await app.ptyHost.list()).find((s) => s.sessionId === session.id)!.pid;
  expect(execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' })).toContain(`"type":"${transport}"`);
  return { repo, session, screen: () => screen, project };
}

async function pending(tool: string): Promise<Approval> {
  return until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' })).find((a) => a.toolName === tool), `a pending ${tool} approval`);
}

describe.each(['http', 'command'] as const)('approvals with the real Claude Code CLI (%s hook)', (transport) => {
  it('holds each tool until it is allowed in Pitwall, then the tool runs; all of it audited', async () => {
    const { repo, session, screen } = await startAgent(transport);
    const bash = await pending('Bash');
    expect(bash).toMatchObject({ sessionId: session.id, preview: '$ echo bash-ran > bash.txt', status: 'pending' });
    // The agent is waiting: nothing ran yet, and what runs runs after the decision (its file is no older).
    expect(fs.existsSync(path.join(repo, 'bash.txt'))).toBe(false);
    const allowed = value<Approval>(await app!.router.dispatch('approvals:decide', { id: bash.id, decision: 'allow' }));
    await until(() => fs.existsSync(path.join(repo, 'bash.txt')), 'bash.txt');
    expect(Math.ceil(fs.statSync(path.join(repo, 'bash.txt')).mtimeMs)).toBeGreaterThanOrEqual(allowed.decidedAt!);

    const write = await pending('Write');
    expect(write.preview).toContain('hello from the agent');
    expect(fs.existsSync(path.join(repo, 'hello.txt'))).toBe(false);
    const decided = value<Approval>(await app!.router.dispatch('approvals:decide', { id: write.id, decision: 'allow' }));
    expect(decided).toMatchObject({ status: 'allowed', decidedBy: 'user' });
    expect(decided.waitedMs).toBeGreaterThanOrEqual(0);
    await until(() => fs.existsSync(path.join(repo, 'hello.txt')), 'hello.txt');
    expect(fs.readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toBe('hello from the agent\n');
    await until(() => screen().includes('ALL-DONE-77'), 'the final answer', undefined, screen);

    const audit = await until(async () => {
      const rows = value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
      return rows.filter((r) => r.status === 'completed').length === 2 ? rows : undefined;
    }, 'PostToolUse audit rows');
    expect(audit.filter((r) => r.status === 'decided').map((r) => [r.toolName, r.decision, r.decidedBy]).sort()).toEqual([
      ['Bash', 'allow', 'user'],
      ['Write', 'allow', 'user'],
    ]);
  });

  it('denies from Pitwall: the CLI is told, and the file never appears', async () => {
    const { repo } = await startAgent(transport, [{ effect: 'allow', toolName: 'Bash', pattern: 'echo * > bash.txt' }]);
    const write = await pending('Write');
    value(await app!.router.dispatch('approvals:decide', { id: write.id, decision: 'deny', reason: 'Not this file' }));
    await until(() => api!.requests.some((r) => JSON.stringify(r.messages ?? []).includes('Not this file')), 'the denial reaching the model');
    expect(fs.existsSync(path.join(repo, 'hello.txt'))).toBe(false);
    // The Bash call matched the allow rule: it ran with no approval, and is audited.
    expect(fs.existsSync(path.join(repo, 'bash.txt'))).toBe(true);
    const all = value<Approval[]>(await app!.router.dispatch('approvals:list', {}));
    expect(all.map((a) => [a.toolName, a.status])).toEqual([['Write', 'denied']]);
  });

  it('lets an allow rule through with no approval but an audit row that names the rule', async () => {
    const { repo, session, screen } = await startAgent(transport, [
      { effect: 'allow', toolName: 'Bash', pattern: 'echo bash-ran > *' },
      { effect: 'allow', toolName: 'Write', pattern: 'hello.txt' },
    ]);
    await until(() => screen().includes('ALL-DONE-77'), 'the final answer', undefined, screen);
    expect(fs.existsSync(path.join(repo, 'hello.txt'))).toBe(true);
    expect(value<Approval[]>(await app!.router.dispatch('approvals:list', {}))).toEqual([]);
    const audit = value<{ toolName: string; status: string; decidedBy: string | null }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
    const decided = audit.filter((r) => r.status === 'decided');
    expect(decided).toHaveLength(2);
    for (const row of decided) expect(row.decidedBy).toMatch(/^rule:/);
  });
});

describe('"always allow" with the real Claude Code CLI', () => {
  it('remembers rm -f *.log literally: the agent\'s next rm of another file waits, and a remembered compound line runs again unasked', async () => {
    app = makeTestApp();
    await app.ready;
    const repo = makeRepo('remember-repo');
    fs.writeFileSync(path.join(repo, 'a.log'), 'x');
    fs.mkdirSync(path.join(repo, 'pkg'));
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    api = await startScriptedModelApi([
      { toolUse: { name: 'Bash', input: { command: 'rm -f *.log', description: 'clean logs' } } },
      { toolUse: { name: 'Bash', input: { command: 'rm -f ~/.ssh/id_rsa x.log', description: 'clean more' } } },
      { toolUse: { name: 'Bash', input: { command: 'cd pkg && touch one.txt', description: 'first' } } },
      { toolUse: { name: 'Bash', input: { command: 'cd pkg && touch one.txt', description: 'again' } } },
      { text: 'REMEMBER-DONE-31' },
    ]);
    const home = tempDir('pitwall-claude-home-');
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY');
    const env = seedClaudeHome(home, api.url, [repo]);
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Clean up', cols: 120, rows: 40 }));

    const first = await pending('Bash');
    expect(first.input).toMatchObject({ command: 'rm -f *.log' });
    value(await app.router.dispatch('approvals:decide', { id: first.id, decision: 'allow', remember: 'project' }));
    await until(() => !fs.existsSync(path.join(repo, 'a.log')), 'a.log removed');

    // The remembered rule is the literal command: the next rm waits for a person, and the key stays.
    const second = await pending('Bash');
    expect(second.input).toMatchObject({ command: 'rm -f ~/.ssh/id_rsa x.log' });
    expect(fs.existsSync(path.join(home, '.ssh', 'id_rsa'))).toBe(true);
    value(await app.router.dispatch('approvals:decide', { id: second.id, decision: 'deny', reason: 'Not the key' }));

    const third = await pending('Bash');
    expect(third.rememberAs).toEqual({ ok: true, patterns: ['cd pkg', 'touch one.txt'] });
    value(await app.router.dispatch('approvals:decide', { id: third.id, decision: 'allow', remember: 'session' }));
    await until(() => screen.includes('REMEMBER-DONE-31'), 'the final answer', 60_000, () => screen);
    expect(fs.existsSync(path.join(home, '.ssh', 'id_rsa'))).toBe(true);
    const audit = value<{ toolName: string; status: string; decidedBy: string | null; input: { command?: string } }[]>(await app.router.dispatch('audit:list', { sessionId: session.id }));
    const decided = audit.filter((r) => r.status === 'decided').reverse();
    expect(decided.map((r) => [r.input.command, r.decidedBy?.replace(/^rule:.*/, 'rule')])).toEqual([
      ['rm -f *.log', 'user'],
      ['rm -f ~/.ssh/id_rsa x.log', 'user'],
      ['cd pkg && touch one.txt', 'user'],
      ['cd pkg && touch one.txt', 'rule'],
    ]);
  });
});

describe('the hook script', () => {
  it('answers ask when Pitwall is not reachable, so nothing is allowed silently', async () => {
    const hook = path.resolve(__dirname, '../../resources/hook');
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [hook], { env: { PATH: process.env.PATH, PITWALL_HOOK_URL: 'http://127.0.0.1:9', PITWALL_HOOK_SECRET: 'x', PITWALL_SESSION_ID: 's' } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
      child.stdin!.end(JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }));
    });
    expect(JSON.parse(out)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('Pitwall did not answer') },
    });
  });

  it('answers each CLI the way that asks or allows nothing when Pitwall is not reachable (Codex: deny, Gemini: ask)', async () => {
    const hook = path.resolve(__dirname, '../../resources/hook');
    const run = (agent: string, event: object) =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(process.execPath, [hook, agent], { env: { PATH: process.env.PATH, PITWALL_HOOK_URL: 'http://127.0.0.1:9', PITWALL_HOOK_SECRET: 'x', PITWALL_SESSION_ID: 's' } }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        );
        child.stdin!.end(JSON.stringify(event));
      });
    expect(JSON.parse(await run('codex', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }))).toMatchObject({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny' },
    });
    // A PermissionRequest left unanswered is asked in Codex's own prompt.
    expect(await run('codex', { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {} })).toBe('');
    expect(JSON.parse(await run('gemini', { hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: {} }))).toMatchObject({ decision: 'ask' });
  });
});
