import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Result } from '../../src-common/result';
import { createApp } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { median, row } from './bench-utils';

// The approval round trip as an agent sees it: from starting resources/hook with a
// PreToolUse event to its answer on stdout, with an allow rule deciding. Next to it in the same
// run: a bare `node -e ""` (the process start every hook pays) and the broker's HTTP round trip
// alone.

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const HOOK = path.resolve(__dirname, '../../resources/hook');

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ ms: performance.now() - started, out }));
    child.stdin.end(stdin);
  });
}

/** Runs the approval round-trip benchmark. */
export async function benchApprovalRoundtrip(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-approval-'));
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, shell: 'headless', version: 'bench', ptyHostLaunch: ptyHostLaunchFromSource });
  await app.ready;
  try {
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('bench') }));
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'idle', kind: 'shell', command: '/bin/sleep', args: ['600'] }));
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    value(await app.router.dispatch('rules:create', { effect: 'allow', toolName: 'Bash', pattern: 'npm test', scope: 'global', projectId: null, sessionId: null }));
    // Register the session with the broker as a Claude Code launch would.
    app.hookBroker.register(session.id, { secret: 'bench-secret', projectId: project.id, worktreeId: null, cwd: project.path, mode: 'supervised' });
    const url = await app.hookBroker.url();
    const env = { PATH: process.env.PATH, PITWALL_HOOK_URL: url, PITWALL_HOOK_SECRET: 'bench-secret', PITWALL_SESSION_ID: session.id };
    const event = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_bench' });

    const hook: number[] = [];
    const bare: number[] = [];
    const http: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const h = await timeProcess([HOOK], env, event);
      if (!h.out.includes('"permissionDecision":"allow"')) throw new Error(`unexpected hook answer: ${h.out}`);
      hook.push(h.ms);
      bare.push((await timeProcess(['-e', ''], env, '')).ms);
      const started = performance.now();
      const res = await fetch(`${url}/hook`, { method: 'POST', headers: { authorization: 'Bearer bench-secret', 'x-pitwall-session': session.id }, body: event });
      await res.text();
      http.push(performance.now() - started);
    }
    const h = median(hook);
    const b = median(bare);
    console.log(`\napproval round trip, allow rule (${RUNS} runs, medians)`);
    row('hook process start -> decision on stdout', `${h.toFixed(1)} ms`);
    row('bare node process start (baseline)', `${b.toFixed(1)} ms`);
    row('hook overhead over a bare node start', `${(h - b).toFixed(1)} ms`, `${(h / b).toFixed(2)}x`);
    row('broker HTTP round trip alone', `${median(http).toFixed(2)} ms`);
  } finally {
    await app.sessions.shutdownAgents();
    await app.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
