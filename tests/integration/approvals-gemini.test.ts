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
import { startScriptedGeminiApi, type ScriptedGeminiAnswer, type ScriptedGeminiApi } from '../helpers/scripted-gemini-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 60_000, intervalMs: 150, contextChars: 3000 });
const ESC = String.fromCharCode(27);
const csi = new RegExp(`${ESC}\\[[0-9;?]*[a-zA-Z]|${ESC}\\][^${String.fromCharCode(7)}]*${String.fromCharCode(7)}`, 'g');

let app: App | null = null;
let api: ScriptedGeminiApi | null = null;
let core: CoreProcess | null = null;
const screens = new Map<string, string>();
const screenOf = (sessionId: string): string => (screens.get(sessionId) ?? '').replace(csi, '').replace(/\s/g, '');

afterEach(async () => {
  await core?.kill();
  core = null;
  await app?.sessions.shutdownAgents().catch(() => undefined);
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
  // Pitwall watches the chat files of the HOME it runs with: the agent's private one here.
  app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, ...env });
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
});
