import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as pty from 'node-pty';
import { Worker } from 'node:worker_threads';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Result } from '../../src-common/result';
import { startHeadlessShell } from '../../src-main/headless-shell';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { median, residentMiB, row } from './bench-utils';

// 100 MB through a session to a connected WebSocket client, next to a bare node-pty read loop in
// the same run; the core's largest event-loop stall meanwhile; the pty host's memory with 10
// sessions holding full scrollbacks.

/** The WebSocket client: watches the session it is sent and answers with the bytes received once all arrived. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require('ws');
const ws = new WebSocket(workerData.url, { headers: { authorization: 'Bearer ' + workerData.token } });
let watching = '';
let received = 0;
ws.on('open', () => parentPort.postMessage('open'));
ws.on('message', (raw) => {
  const msg = JSON.parse(String(raw));
  if (msg.event !== 'sessions:output' || msg.payload.sessionId !== watching) return;
  // Output reaches only clients watching the session, which they can ask for once it has started: count by offset.
  received = msg.payload.offset + Buffer.byteLength(msg.payload.data);
  if (received >= workerData.size) parentPort.postMessage(received);
});
parentPort.on('message', (sessionId) => {
  watching = sessionId;
  received = 0;
  ws.send(JSON.stringify({ type: 'watch', sessionId }));
});
`;

const SIZE = Number(process.env.BENCH_PTY_MB ?? 100) * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function makeFile(dir: string): string {
  const file = path.join(dir, 'payload.bin');
  const block = Buffer.alloc(1024 * 1024, 'pitwall-throughput-0123456789abcdefghijklmnopqrstuvwxyz');
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < SIZE / block.length; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  return file;
}

function bareNodePty(file: string): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    let bytes = 0;
    const p = pty.spawn('/bin/cat', [file], { cols: 120, rows: 40, cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    p.onData((d) => (bytes += Buffer.byteLength(d)));
    p.onExit(() => resolve(bytes / ((performance.now() - started) / 1000)));
  });
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

/** Runs the pty throughput benchmark and prints figures and ratios. */
export async function benchPtyThroughput(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-pty-'));
  const file = makeFile(dir);
  const builtHost = path.resolve(__dirname, '../../out/main/pty-host.js');
  const shell = await startHeadlessShell({
    dataDir: path.join(dir, 'data'),
    migrationsDir: MIGRATIONS_DIR,
    staticDir: dir,
    port: 0,
    token: 'bench-token-0123456789',
    version: 'bench',
    ptyHostLaunch: fs.existsSync(builtHost)
      ? (socket, scrollback) => ({ command: process.execPath, args: [builtHost, '--socket', socket, '--scrollback-dir', scrollback] })
      : ptyHostLaunchFromSource,
  });
  const { app } = shell;
  if (!fs.existsSync(builtHost)) console.log('  (out/main/pty-host.js missing: build first for the shipped host; using it from source is slower to start only)');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('bench-repo') }));
  value(await app.router.dispatch('projects:update', { id: project.id, config: { maxConcurrentAgents: 16 } }));
  const cat = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'cat', kind: 'shell', command: '/bin/cat', args: [file] }));

  // The client runs on a thread of its own, as a browser would be a process of its own: its parsing
  // is not the core's, so the stall measured below is the core's alone.
  const client = new Worker(CLIENT, { eval: true, workerData: { url: `ws://127.0.0.1:${shell.server.port}/events`, token: 'bench-token-0123456789', size: SIZE } });
  await new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.once('message', () => resolve());
  });
  let done: ((bytes: number) => void) | null = null;
  client.on('message', (bytes: number) => done?.(bytes));

  const pitwall: number[] = [];
  const bare: number[] = [];
  const stalls: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      bare.push(await bareNodePty(file));
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      const finished = new Promise<number>((r) => (done = r));
      const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: cat.id }));
      client.postMessage(session.id);
      const received = await finished;
      pitwall.push(received / ((performance.now() - started) / 1000));
      delay.disable();
      stalls.push(delay.max / 1e6);
    }

    const p = median(pitwall);
    const b = median(bare);
    console.log(`\npty throughput (${SIZE / 1024 / 1024} MB, ${RUNS} runs, medians)`);
    row('pitwall session -> WebSocket client', `${(p / 1024 / 1024).toFixed(1)} MB/s`);
    row('bare node-pty read loop (baseline)', `${(b / 1024 / 1024).toFixed(1)} MB/s`);
    row('ratio pitwall / baseline', `${(p / b).toFixed(2)}x`);
    row('core event-loop stall, largest (median of runs)', `${median(stalls).toFixed(1)} ms`);

    // Ten sessions, each with a full (bounded) scrollback, kept running.
    const filler = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'fill', kind: 'shell', command: '/bin/sh', args: ['-c', `head -c ${6 * 1024 * 1024} ${file}; sleep 600`] }));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: filler.id })).id);
    await new Promise((r) => setTimeout(r, 4000));
    const socketArg = path.join(dir, 'data', 'run', 'pty-host.sock');
    const hostPid = Number(execFileSync('pgrep', ['-f', socketArg]).toString().trim().split('\n')[0]);
    const rss = await residentMiB(hostPid);
    const scrollbackBytes = fs.readdirSync(path.join(dir, 'data', 'scrollback')).reduce((n, f) => n + fs.statSync(path.join(dir, 'data', 'scrollback', f)).size, 0);
    row('pty host RSS, 10 sessions with full scrollback', `${rss?.toFixed(1)} MiB`, `(target < 300)`);
    row('scrollback on disk for those sessions', `${(scrollbackBytes / 1024 / 1024).toFixed(1)} MiB`);
  } finally {
    await client.terminate();
    await app.sessions.shutdownAgents();
    await shell.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
