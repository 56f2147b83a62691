import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { CODEX_BIN, codexProfile } from '../helpers/codex-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedResponsesApi, type ScriptedResponse, type ScriptedResponsesApi } from '../helpers/scripted-responses-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 60_000, intervalMs: 150, contextChars: 3000 });
const ESC = String.fromCharCode(27);
const csi = new RegExp(`${ESC}\\[[0-9;?]*[a-zA-Z]|${ESC}\\][^${String.fromCharCode(7)}]*${String.fromCharCode(7)}`, 'g');

let app: App | null = null;
let api: ScriptedResponsesApi | null = null;

afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  await api?.close();
  app = null;
  api = null;
});
afterAll(removeTempDirs);

const shell = (cmd: string): ScriptedResponse => ({ functionCall: { name: 'exec_command', arguments: { cmd } } });

async function startCodex(script: ScriptedResponse[], rules: { effect: 'allow' | 'deny'; toolName: string; pattern: string }[] = []) {
  app = makeTestApp();
  await app.ready;
  const repo = makeRepo('codex-gate-repo');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  api = await startScriptedResponsesApi(script);
  const { env, args } = codexProfile(tempDir('pitwall-codex-home-'), api.url);
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Codex (scripted)', kind: 'codex', command: CODEX_BIN, args, env, model: 'gpt-5-codex' }));
  for (const r of rules) value(await app.router.dispatch('rules:create', r));
  let screen = '';
  app.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Do the two things', cols: 120, rows: 40 }));
  return { repo, session, screen: () => screen.replace(csi, '').replace(/\s/g, '') };
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
});

/** Processes whose environment carries PITWALL_SESSION_ID=<id>, read from /proc. */
function processesOf(sessionId: string): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!env.split('\0').includes(`PITWALL_SESSION_ID=${sessionId}`)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      found.push({ pid: Number(entry), args: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
