import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { SessionSummary, Timeline } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { CODEX_BIN, codexProfile } from '../helpers/codex-home';
import { startCoreProcess, type CoreProcess } from '../helpers/core-process';
import { makeRepo } from '../helpers/git-repo';
import { processesOf } from '../helpers/processes';
import { startScriptedResponsesApi, type ScriptedResponse, type ScriptedResponsesApi } from '../helpers/scripted-responses-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenText } from '../helpers/terminal-text';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 60_000, intervalMs: 150, contextChars: 3000 });

let app: App | null = null;
let api: ScriptedResponsesApi | null = null;
let core: CoreProcess | null = null;

afterEach(async () => {
  await core?.kill();
  core = null;
  await app?.sessions.shutdownAgents().catch(() => undefined);
  // Nothing of a run may outlive it (and write into the temp folders being removed).
  for (const row of app ? value<Session[]>(await app.router.dispatch('sessions:list', {})) : []) {
    await until(() => processesOf(row.id).length === 0, `no process of session ${row.id} left`, 30_000, () => JSON.stringify(processesOf(row.id)));
  }
  await app?.dispose();
  await api?.close();
  app = null;
  api = null;
});
afterAll(removeTempDirs);

const shell = (cmd: string): ScriptedResponse => ({ functionCall: { name: 'exec_command', arguments: { cmd } } });

async function startCodex(script: ScriptedResponse[], rules: { effect: 'allow' | 'deny'; toolName: string; pattern: string }[] = [], newWorktree?: { branch: string }) {
  api = await startScriptedResponsesApi(script);
  const { env, args } = codexProfile(tempDir('pitwall-codex-home-'), api.url);
  // Pitwall watches the chat files of the HOME it runs with: the agent's private one here.
  app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, ...env });
  await app.ready;
  const repo = makeRepo('codex-gate-repo');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Codex (scripted)', kind: 'codex', command: CODEX_BIN, args, env, model: 'gpt-5-codex' }));
  for (const r of rules) value(await app.router.dispatch('rules:create', r));
  let screen = '';
  app.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Do the two things', cols: 120, rows: 40, ...(newWorktree ? { newWorktree } : {}) }));
  return { repo, session, screen: () => screenText(screen) };
}

async function pending(): Promise<Approval> {
  return until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' }))[0], 'a pending approval');
}

describe('approvals with the real Codex CLI', () => {
  it('runs a command a rule allows; a command with no rule waits in Approvals, is denied there and never runs', async () => {
    const { repo, session, screen } = await startCodex(
      [shell('echo ruled > allowed.txt'), shell('touch denied.txt'), { text: 'CODEX-GATE-DONE' }],
      [{ effect: 'allow', toolName: 'Bash', pattern: 'echo ruled > allowed.txt' }],
    );
    const approval = await pending().catch((error: unknown) => {
      throw new Error(`${String(error)}\n${screen().slice(-2000)}`);
    });
    expect(approval).toMatchObject({ sessionId: session.id, toolName: 'Bash', status: 'pending' });
    expect(approval.input).toMatchObject({ command: expect.stringContaining('touch denied.txt') });
    // The allowed command ran without anyone asked.
    expect(fs.readFileSync(path.join(repo, 'allowed.txt'), 'utf8')).toBe('ruled\n');
    value(await app!.router.dispatch('approvals:decide', { id: approval.id, decision: 'deny', reason: 'Not that one' }));
    await until(() => api!.requests.some((r) => JSON.stringify(r.input ?? []).includes('Not that one')), 'the denial reaching the model', 60_000, screen);
    await until(() => screen().includes('CODEX-GATE-DONE'), 'the final answer', 60_000, screen);
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
    const audit = value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
    expect(audit.filter((r) => r.status === 'decided').map((r) => [r.decision, r.decidedBy?.replace(/^rule:.*/, 'rule')]).sort()).toEqual([
      ['allow', 'rule'],
      ['deny', 'user'],
    ]);
  });

  it('starts working in a new worktree with no trust question (the worktree and its main checkout are trusted for the run)', async () => {
    const { session, screen } = await startCodex([{ text: 'CODEX-IN-WORKTREE' }], [], { branch: 'codex-task' });
    expect(session.worktreeId).not.toBeNull();
    await until(() => screen().includes('CODEX-IN-WORKTREE'), 'the answer in the worktree', 60_000, screen);
    expect(screen()).not.toContain('trustthisfolder');
  });

  it('stops the whole run: no process of the session is left (no shared daemon keeps its command going)', async () => {
    const { repo, session, screen } = await startCodex(
      [shell('sleep 40; echo late > late.txt'), { text: 'never reached' }],
      [
        { effect: 'allow', toolName: 'Bash', pattern: 'sleep 40' },
        { effect: 'allow', toolName: 'Bash', pattern: 'echo late > late.txt' },
      ],
    );
    await until(() => processesOf(session.id).some((p) => /^sleep 40/.test(p.args) || p.args.includes('sleep 40;')), 'the command running', 60_000, screen);
    value(await app!.router.dispatch('sessions:stop', { sessionId: session.id }));
    await until(async () => value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id })).status === 'stopped', 'the session stopped');
    // Every process Codex started carries the session's id in its environment, the daemon's included.
    await until(() => processesOf(session.id).length === 0, 'no process of the run left', 30_000, () => JSON.stringify(processesOf(session.id)));
    expect(fs.existsSync(path.join(repo, 'late.txt'))).toBe(false);
  });

  it('allows nothing while Pitwall is killed mid-approval: the call waits, the next core asks again, and a denial keeps it from running', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('codex-killed-repo');
    api = await startScriptedResponsesApi([shell('touch denied.txt'), { text: 'CODEX-KILLED-DONE' }]);
    const { env, args } = codexProfile(tempDir('pitwall-codex-home-'), api.url);
    core = await startCoreProcess(dataDir, { ...process.env });
    const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await core.dispatch('profiles:create', { name: 'Codex (scripted)', kind: 'codex', command: CODEX_BIN, args, env, model: 'gpt-5-codex' }));
    const session = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Touch it', cols: 120, rows: 40 }));
    const first = await until(async () => value<Approval[]>(await core!.dispatch('approvals:list', { status: 'pending' }))[0], 'the approval in the first core');
    expect(first.input).toMatchObject({ command: expect.stringContaining('touch denied.txt') });

    await core.kill();
    core = null;
    // The agent is still held by its hook: the next core is asked about the same call.
    app = makeTestApp(dataDir, { ...process.env });
    await app.ready;
    const again = await pending();
    expect(again).toMatchObject({ sessionId: session.id, toolName: 'Bash' });
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
    value(await app.router.dispatch('approvals:decide', { id: again.id, decision: 'deny', reason: 'Still no' }));
    await until(() => api!.requests.some((r) => JSON.stringify(r.input ?? []).includes('Still no')), 'the denial reaching the model');
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
  });

  it('restarts into the same Codex conversation, and the launched session shows the chat with its project', { timeout: 240_000 }, async () => {
    const { session } = await startCodex([{ text: 'First answer CODEX-ONE' }]);

    const timeline = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      return t.entries.some((e) => e.type === 'message' && e.text.includes('CODEX-ONE')) ? t : null;
    }, 'the first answer in the launched session');
    expect(timeline.transcriptPath).toMatch(/rollout-.*\.jsonl$/);
    const joined = value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id }));
    expect(joined.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    const summary = value<SessionSummary[]>(await app!.router.dispatch('history:sessions', {}));
    expect(summary.map((s) => [s.id, s.projectId])).toEqual([[session.id, session.projectId]]);
    value(await app!.router.dispatch('sessions:stop', { sessionId: session.id }));
    await until(async () => value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id })).status === 'stopped', 'the session stopped');
    const before = api!.requests.length;
    screens.clear();
    app!.events.on('sessions:output', (p) => screens.set(p.sessionId, (screens.get(p.sessionId) ?? '') + p.data));
    value(await app!.router.dispatch('sessions:restart', { sessionId: session.id }));
    // Codex resumes its thread: no prompt went out again as a new conversation, and what is typed next is sent with the first turn.
    await until(() => (screens.get(session.id) ?? '').includes('state=idle'), 'the resumed Codex waiting for input', 60_000, () => screenOf(session.id));
    expect(api!.requests.length).toBe(before);
    value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: 'And the next one' }));
    await until(() => screenOf(session.id).includes('Andthenextone'), 'the typed text in the composer', 60_000, () => screenOf(session.id));
    value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: '\r' }));
    const next = await until(
      () => api!.requests.slice(before).map((r) => JSON.stringify(r.input ?? [])).find((input) => input.includes('And the next one')),
      'the next turn reaching the model',
      60_000,
      () => screenOf(session.id),
    );
    // The same conversation: the first prompt and answer travel with it.
    expect(next).toContain('Do the two things');
    expect(next).toContain('CODEX-ONE');
    const after = value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id }));
    expect(after.agentSessionId).toBe(joined.agentSessionId);
    expect(value<SessionSummary[]>(await app!.router.dispatch('history:sessions', {})).map((s) => s.id)).toEqual([session.id]);
  });
});

const screens = new Map<string, string>();
const screenOf = (sessionId: string): string => screenText(screens.get(sessionId) ?? '');
