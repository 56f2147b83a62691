import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { SessionSummary, Timeline } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { startCoreProcess, type CoreProcess } from '../helpers/core-process';
import { GEMINI_BIN, geminiProfileEnv } from '../helpers/gemini-home';
import { makeRepo } from '../helpers/git-repo';
import { processesOf } from '../helpers/processes';
import { startScriptedGeminiApi, type ScriptedGeminiAnswer, type ScriptedGeminiApi } from '../helpers/scripted-gemini-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenText } from '../helpers/terminal-text';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 60_000, intervalMs: 150, contextChars: 3000 });

let app: App | null = null;
let api: ScriptedGeminiApi | null = null;
let core: CoreProcess | null = null;
const screens = new Map<string, string>();
const screenOf = (sessionId: string): string => screenText(screens.get(sessionId) ?? '');

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
  screens.clear();
});
afterAll(removeTempDirs);

const shell = (command: string): ScriptedGeminiAnswer => ({ functionCall: { name: 'run_shell_command', args: { command, description: 'scripted' } } });

async function startGemini(script: ScriptedGeminiAnswer[], rules: { effect: 'allow' | 'deny'; toolName: string; pattern: string }[] = [], prompt = 'Do the two things') {
  api = await startScriptedGeminiApi(script);
  const env = geminiProfileEnv(tempDir('pitwall-gemini-home-'), api.url);
  // Pitwall watches the chat files of the HOME it runs with: the agent's private one here. It may
  // itself run where CI=true (as on a CI machine), which must not make Gemini headless.
  app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, ...env, CI: 'true' });
  await app.ready;
  const repo = makeRepo('gemini-gate-repo');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Gemini (scripted)', kind: 'gemini', command: GEMINI_BIN, env, model: 'gemini-2.5-flash' }));
  for (const r of rules) value(await app.router.dispatch('rules:create', r));
  app.events.on('sessions:output', (p) => screens.set(p.sessionId, (screens.get(p.sessionId) ?? '') + p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt, cols: 120, rows: 40 }));
  return { repo, session, project, screen: () => screenOf(session.id) };
}

async function pending(): Promise<Approval> {
  return until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' }))[0], 'a pending approval');
}

describe('approvals with the real Gemini CLI', { timeout: 240_000 }, () => {
  it('runs a command a rule allows; a command with no rule waits in Approvals, is denied there and never runs', async () => {
    const { repo, session, screen } = await startGemini(
      [shell('echo ruled > allowed.txt'), shell('touch denied.txt'), { text: 'GEMINI-GATE-DONE' }],
      [{ effect: 'allow', toolName: 'Bash', pattern: 'echo ruled > allowed.txt' }],
    );
    const approval = await until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' }))[0], 'a pending approval', 90_000, screen);
    expect(approval).toMatchObject({ sessionId: session.id, toolName: 'Bash', status: 'pending' });
    expect(approval.input).toMatchObject({ command: 'touch denied.txt' });
    expect(fs.readFileSync(path.join(repo, 'allowed.txt'), 'utf8')).toBe('ruled\n');
    value(await app!.router.dispatch('approvals:decide', { id: approval.id, decision: 'deny', reason: 'Not that one' }));
    await until(() => api!.requests.some((r) => JSON.stringify(r.contents ?? []).includes('Not that one')), 'the denial reaching the model', 60_000, screen);
    await until(() => screen().includes('GEMINI-GATE-DONE'), 'the final answer', 60_000, screen);
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
    const audit = value<{ toolName: string; status: string; decision: string | null; decidedBy: string | null }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
    expect(audit.filter((r) => r.status === 'decided').map((r) => [r.decision, r.decidedBy?.replace(/^rule:.*/, 'rule')]).sort()).toEqual([
      ['allow', 'rule'],
      ['deny', 'user'],
    ]);
  });

  it('stops the whole run: no process of the session is left', async () => {
    const { repo, session, screen } = await startGemini(
      [shell('sleep 40; echo late > late.txt'), { text: 'never reached' }],
      [
        { effect: 'allow', toolName: 'Bash', pattern: 'sleep 40' },
        { effect: 'allow', toolName: 'Bash', pattern: 'echo late > late.txt' },
      ],
    );
    await until(() => processesOf(session.id).some((p) => p.args.includes('sleep 40')), 'the command running', 90_000, screen);
    value(await app!.router.dispatch('sessions:stop', { sessionId: session.id }));
    await until(async () => value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id })).status === 'stopped', 'the session stopped');
    await until(() => processesOf(session.id).length === 0, 'no process of the run left', 30_000, () => JSON.stringify(processesOf(session.id)));
    expect(fs.existsSync(path.join(repo, 'late.txt'))).toBe(false);
  });

  it('allows nothing while Pitwall is killed mid-approval: the call waits, the next core asks again, and a denial keeps it from running', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('gemini-killed-repo');
    api = await startScriptedGeminiApi([shell('touch denied.txt'), { text: 'GEMINI-KILLED-DONE' }]);
    const env = geminiProfileEnv(tempDir('pitwall-gemini-home-'), api.url);
    core = await startCoreProcess(dataDir, { ...process.env, ...env });
    const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await core.dispatch('profiles:create', { name: 'Gemini (scripted)', kind: 'gemini', command: GEMINI_BIN, env, model: 'gemini-2.5-flash' }));
    const session = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Touch it', cols: 120, rows: 40 }));
    const first = await until(async () => value<Approval[]>(await core!.dispatch('approvals:list', { status: 'pending' }))[0], 'the approval in the first core', 90_000);
    expect(first.input).toMatchObject({ command: 'touch denied.txt' });

    await core.kill();
    core = null;
    app = makeTestApp(dataDir, { ...process.env, ...env });
    await app.ready;
    const again = await pending();
    expect(again).toMatchObject({ sessionId: session.id, toolName: 'Bash' });
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
    value(await app.router.dispatch('approvals:decide', { id: again.id, decision: 'deny', reason: 'Still no' }));
    await until(() => api!.requests.some((r) => JSON.stringify(r.contents ?? []).includes('Still no')), 'the denial reaching the model');
    expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
  });

  it("falls back to Gemini's own confirmation when Pitwall's core is gone (its yolo mode allows nothing silently)", async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('gemini-nocore-repo');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    api = await startScriptedGeminiApi([shell('touch asked.txt'), { text: 'GEMINI-NOCORE-DONE' }], { hold });
    const env = geminiProfileEnv(tempDir('pitwall-gemini-home-'), api.url);
    core = await startCoreProcess(dataDir, { ...process.env, ...env });
    const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await core.dispatch('profiles:create', { name: 'Gemini (scripted)', kind: 'gemini', command: GEMINI_BIN, env, model: 'gemini-2.5-flash' }));
    const session = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Touch it', cols: 120, rows: 40 }));
    await until(() => api!.requests.length > 0, 'the agent waiting for the model', 90_000);
    await core.kill();
    core = null;
    release();
    const scrollback = () => {
      const file = path.join(dataDir, 'scrollback', `${session.id}.1.log`);
      return fs.existsSync(file) ? screenText(fs.readFileSync(file, 'utf8')) : '';
    };
    await until(() => scrollback().includes('Allowexecution'), "Gemini's own confirmation", 90_000, scrollback);
    expect(fs.existsSync(path.join(repo, 'asked.txt'))).toBe(false);
    // The next core is told what the host answered, and stops the agent when the test ends.
    app = makeTestApp(dataDir, { ...process.env, ...env });
    await app.ready;
    const audit = await until(async () => {
      const rows = value<{ status: string; decision: string | null; decidedBy: string | null }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
      return rows.find((r) => r.decidedBy === 'pitwall-host') ?? null;
    }, 'the host answer in the audit');
    expect(audit).toMatchObject({ status: 'decided', decision: 'ask' });
  });

  it('restarts into the same Gemini conversation, and the launched session shows the chat with its project', async () => {
    const { session, project } = await startGemini([{ text: 'First answer GEMINI-ONE' }]);
    const timeline = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      return t.entries.some((e) => e.type === 'message' && e.text.includes('GEMINI-ONE')) ? t : null;
    }, 'the first answer in the launched session', 90_000, () => screenOf(session.id));
    expect(timeline.transcriptPath).toContain(`${path.sep}chats${path.sep}`);
    const joined = value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id }));
    expect(joined.agentSessionId).toBe(session.id);
    expect(value<SessionSummary[]>(await app!.router.dispatch('history:sessions', {})).map((s) => [s.id, s.projectId])).toEqual([[session.id, project.id]]);

    value(await app!.router.dispatch('sessions:stop', { sessionId: session.id }));
    await until(async () => value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id })).status === 'stopped', 'the session stopped');
    const before = api!.requests.length;
    screens.delete(session.id);
    value(await app!.router.dispatch('sessions:restart', { sessionId: session.id }));
    await until(() => screenOf(session.id).includes('Typeyourmessage'), 'the resumed Gemini waiting for input', 90_000, () => screenOf(session.id));
    // Nothing was sent again as a new conversation.
    expect(api!.requests.length).toBe(before);
    value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: 'And the next one' }));
    await until(() => screenOf(session.id).includes('Andthenextone'), 'the typed text in the composer', 60_000, () => screenOf(session.id));
    // Enter again now and then until the turn goes out: a resumed Gemini may still be loading the
    // conversation when the first one arrives (an Enter on an empty composer does nothing).
    let polls = 0;
    const next = await until(
      async () => {
        if (polls++ % 20 === 0) value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: '\r' }));
        return api!.requests.slice(before).map((r) => JSON.stringify(r.contents ?? [])).find((c) => c.includes('And the next one'));
      },
      'the next turn reaching the model',
      60_000,
      () => screenOf(session.id),
    );
    expect(next).toContain('Do the two things');
    expect(next).toContain('GEMINI-ONE');
    expect(value<SessionSummary[]>(await app!.router.dispatch('history:sessions', {})).map((s) => s.id)).toEqual([session.id]);
  });
});
