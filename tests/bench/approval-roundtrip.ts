import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Result } from '../../src-common/result';
import { createApp, type App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { startScriptedModelApi } from '../helpers/scripted-model-api';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { percentile, row } from './bench-utils';

// The approval round trip as the agent lives it, with an allow rule deciding: the real Claude Code
// CLI in a Pitwall terminal, timed at the scripted model API from the end of the response carrying
// a `tool_use` (a Read of a small file: the tool itself costs next to nothing) to the request
// carrying its `tool_result`. That span holds the PreToolUse hook (to the pty host, relayed to the
// core, rules, audit, back), the tool, and the PostToolUse hook. Next to it in the same run: the
// same CLI and tool with no Pitwall hook at all, and a bare HTTP round trip on 127.0.0.1.

const CALLS = Number(process.env.BENCH_RUNS ?? 40);
/** The variants run in turns, a share of the calls each turn, so a busy moment of the machine falls on all of them. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

async function waitFor(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Variant = 'http' | 'command' | 'trivial-hook' | 'none';

/** A local hook server that answers every PreToolUse `allow` at once: what the CLI's own HTTP hook costs. */
async function trivialHookServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const pre = body.includes('"PreToolUse"');
      res.writeHead(200, { 'content-type': 'application/json' }).end(pre ? JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'bench' } }) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Pitwall's own part: PreToolUse + PostToolUse posted straight to the pty host's endpoint, the core deciding by the rule. */
export async function gatewayAlone(app: App, sessionId: string, pairs: number): Promise<number[]> {
  const pid = (await app.ptyHost.list()).find((s) => s.sessionId === sessionId)!.pid;
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const get = (name: string) => environ.find((e) => e.startsWith(`${name}=`))!.slice(name.length + 1);
  const url = `${get('PITWALL_HOOK_URL')}/hook/claude-code`;
  const headers = { authorization: `Bearer ${get('PITWALL_HOOK_SECRET')}`, 'x-pitwall-session': sessionId, 'content-type': 'application/json' };
  const spans: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const call = { tool_name: 'Read', tool_input: { file_path: '/tmp/small.txt' }, tool_use_id: `toolu_gateway_${i}` };
    const started = performance.now();
    const pre = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ hook_event_name: 'PreToolUse', ...call }) });
    if (!(await pre.text()).includes('"allow"')) throw new Error('the gateway did not allow the Read');
    await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ hook_event_name: 'PostToolUse', ...call, tool_response: 'small' }) })).text();
    spans.push(performance.now() - started);
  }
  return spans;
}

/** Runs CALLS Reads through one Claude Code session and returns each tool round trip in ms (and Pitwall's part alone after the HTTP run). */
async function measure(variant: Variant, calls: number): Promise<{ spans: number[]; gateway: number[] | null }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-approval-'));
  const home = path.join(dataDir, 'home');
  const repo = makeRepo('bench-approval');
  const target = path.join(repo, 'small.txt');
  fs.writeFileSync(target, 'small\n');
  const api = await startScriptedModelApi([...Array.from({ length: calls }, () => ({ toolUse: { name: 'Read', input: { file_path: target } } })), { text: 'BENCH-DONE' }]);
  const env = seedClaudeHome(home, api.url, [repo]);
  let app: App | null = null;
  let session: Session | null = null;
  let trivial: { url: string; close: () => Promise<void> } | null = null;
  try {
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      shell: 'headless',
      version: 'bench',
      ptyHostLaunch: ptyHostLaunchFromSource,
      sessionOptions: { baseEnv: { ...process.env, HOME: home }, stopGraceMs: 300, ...(variant === 'command' ? { hookTransport: 'command' as const } : {}) },
      transcriptRoots: [],
    });
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    value(await app.router.dispatch('rules:create', { effect: 'allow', toolName: 'Read', pattern: null, scope: 'global', projectId: null, sessionId: null }));
    // Without Pitwall's hooks: the same CLI as a plain command, the Read allowed by its own mode.
    let plainArgs: string[] | null = null;
    if (variant === 'none') plainArgs = ['--', 'Read it'];
    if (variant === 'trivial-hook') {
      trivial = await trivialHookServer();
      const hook = [{ matcher: '*', hooks: [{ type: 'http', url: trivial.url, timeout: 60 }] }];
      plainArgs = ['--settings', JSON.stringify({ hooks: { PreToolUse: hook, PostToolUse: hook } }), '--', 'Read it'];
    }
    const profile = plainArgs
      ? value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'plain', kind: 'shell', command: CLAUDE_BIN, args: plainArgs, env }))
      : value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'claude', kind: 'claude-code', command: CLAUDE_BIN, env }));
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: variant === 'none' ? undefined : 'Read it', cols: 120, rows: 40 }));
    await waitFor(() => screen.includes('BENCH-DONE'), `${variant}: the final answer`);
    const spans = [...api.toolTimings.values()].filter((t) => t.resultAt !== null).map((t) => t.resultAt! - t.sentAt);
    if (spans.length !== calls) throw new Error(`${variant}: expected ${calls} tool round trips, got ${spans.length}`);
    if (!plainArgs) {
      const audit = value<{ status: string }[]>(await app.router.dispatch('audit:list', { sessionId: session.id }));
      if (audit.filter((a) => a.status === 'decided').length !== calls) throw new Error(`${variant}: the calls did not go through Pitwall's gate`);
    }
    return { spans, gateway: variant === 'http' ? await gatewayAlone(app, session.id, calls * 5) : null };
  } finally {
    // Stopped and waited for, so nothing still writes into the folder removed below.
    if (session) await app?.router.dispatch('sessions:stop', { sessionId: session.id });
    await app?.sessions.shutdownAgents().catch(() => undefined);
    await app?.dispose();
    await api.close();
    await trivial?.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

/** A bare HTTP round trip on 127.0.0.1: a POST of a hook-sized body to a server that answers at once. */
async function bareHttp(count: number): Promise<number[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const body = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/tmp/small.txt' }, tool_use_id: 'toolu_bench' });
  const spans: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.text();
    spans.push(performance.now() - started);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return spans;
}

/** Runs the approval round-trip benchmark. */
export async function benchApprovalRoundtrip(): Promise<void> {
  const per = Math.max(1, Math.round(CALLS / ROUNDS));
  const http = { spans: [] as number[], gateway: [] as number[] };
  const command: number[] = [];
  const trivial: number[] = [];
  const alone: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const h = await measure('http', per);
    http.spans.push(...h.spans);
    http.gateway.push(...h.gateway!);
    command.push(...(await measure('command', per)).spans);
    trivial.push(...(await measure('trivial-hook', per)).spans);
    alone.push(...(await measure('none', per)).spans);
    bare.push(...(await bareHttp(per * 5)));
  }
  const cli = percentile(alone, 50);
  const bareP50 = percentile(bare, 50);
  console.log(`\napproval round trip with an allow rule: tool_use sent -> tool_result received (${per * ROUNDS} Read calls each, in ${ROUNDS} turns; real Claude Code TUI)`);
  row('', 'p50', 'p95', 'p50 over CLI alone', 'p50 / bare HTTP');
  const line = (label: string, spans: number[], overCli = true) => {
    const p50 = percentile(spans, 50);
    row(label, `${p50.toFixed(1)} ms`, `${percentile(spans, 95).toFixed(1)} ms`, overCli ? `${(p50 - cli).toFixed(1)} ms` : '', `${(p50 / bareP50).toFixed(1)}x`);
  };
  line('Pitwall, HTTP hook', http.spans);
  line('Pitwall, command hook', command);
  line('HTTP hook to a server that allows at once', trivial);
  line('no hook (the CLI alone)', alone);
  console.log(`\nPitwall's part alone (PreToolUse + PostToolUse posted to the pty host, relayed to the core, rule, audit; ${http.gateway.length} pairs)`);
  line('pty host endpoint -> core -> answer, x2', http.gateway, false);
  line('bare HTTP round trip on 127.0.0.1', bare, false);
}
