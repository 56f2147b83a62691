import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase } from '../../db/client';
import { EventBus } from '../../src-main/events/event-bus';
import { SyncService } from '../../src-main/sync/sync-service';
import { createInvite, createOrg } from '../../src-server/admin';
import { appPool, appUrlFor } from '../../src-server/database';
import { freshDatabase } from '../helpers/postgres';
import { insertProject, insertSession } from '../helpers/sync-rows';
import { row } from './bench-utils';

// `npm run bench -- sync`: a million message rows from a desktop's SQLite through the team server
// into Postgres, next to COPY of the same rows into the same table in the same run; then four
// desktops pushing at once. The server runs as its own process so its peak RSS can be read.
// The machine is often shared: next to wall-clock time each line gives the CPU seconds its
// processes used (Postgres backends, team server, desktops; for COPY its backend and client),
// which load from elsewhere changes far less.

const ROOT = path.resolve(__dirname, '../..');
const ROWS = Number(process.env.PITWALL_BENCH_SYNC_ROWS ?? 1_000_000);
const DESKTOPS = 4;

function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-server/main.ts'), '--port', '0', '--pool-size', '8'], {
    cwd: ROOT,
    env: { ...process.env, PITWALL_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`team server exited ${code}`)));
  });
}

/** CPU seconds a process has used so far (Linux; utime + stime at 100 ticks a second). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of the team server's Postgres backends (found by their application name). */
async function backendCpu(ownerUrl: string, seen: Map<number, number>): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const pids = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pitwall-team-server'`);
    let used = 0;
    for (const { pid } of pids.rows) {
      const now = cpuSeconds(pid);
      used += now - (seen.get(pid) ?? 0);
      seen.set(pid, now);
    }
    return used;
  } finally {
    await client.end();
  }
}

function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** A desktop database with `count` messages in one synced project, enrolled and paused. */
async function makeDesktop(dir: string, serverUrl: string, pool: pg.Pool, count: number): Promise<string> {
  const file = path.join(dir, `desktop-${Math.random().toString(36).slice(2)}.db`);
  const handle = openDatabase({ file, migrationsDir: path.join(ROOT, 'db/migrations') });
  const org = await createOrg(pool, `bench-${path.basename(file)}`, 'everything');
  const invite = await createInvite(pool, org.orgId, 'bench', 1);
  const sync = new SyncService(handle.sqlite, new EventBus(), { idleIntervalMs: 600_000 });
  await sync.enroll({ serverUrl, code: invite.code });
  sync.update({ paused: true });
  const projectId = insertProject(handle.sqlite, 'bench');
  sync.setProject(projectId, true);
  await sync.dispose();
  const sessionId = insertSession(handle.sqlite, projectId);
  const insert = handle.sqlite.prepare(
    `INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence, timestamp, model, input_tokens, output_tokens, cache_read_tokens, kind)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'claude-sonnet-4', 1200, 340, 5000, 'text')`,
  );
  const now = Date.now();
  const text = 'Reading src/parser.ts to see how tokens are split; the lexer keeps a cursor per line and the error path needs the column as well. ';
  const batch = handle.sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const id = `0190${n.toString(16).padStart(4, '0').slice(-4)}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
      insert.run(id, now, now, sessionId, n % 2 ? 'assistant' : 'user', text, n, now + n);
    }
  });
  for (let n = 0; n < count; n += 50_000) batch(n, Math.min(count, n + 50_000));
  handle.close();
  return file;
}

function pushDesktop(file: string): Promise<{ seconds: number; pushed: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sync-desktop.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; pushed: number; cpu: number }) : reject(new Error(`desktop exited ${code}`))));
  });
}

/** COPY of the same rows (read back from the desktop file) into the same table, as the owner. */
async function copyBaseline(databaseUrl: string, file: string): Promise<{ seconds: number; cpu: number }> {
  const handle = openDatabase({ file, migrationsDir: path.join(ROOT, 'db/migrations') });
  const rows = handle.sqlite.prepare(`SELECT seq, id, created_at, updated_at, session_id, role, text, sequence, timestamp, model, input_tokens, output_tokens, cache_read_tokens, kind FROM messages ORDER BY seq`).raw().all() as unknown[][];
  handle.close();
  const orgId = '00000000-0000-4000-8000-00000000c0de';
  const device = '00000000-0000-4000-8000-00000000beef';
  const esc = (v: unknown) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
  const lines: string[] = [];
  for (const r of rows) lines.push([orgId, device, ...r].map(esc).join('\t') + '\n');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const backend = (await client.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0]!.pid;
    const cpuBefore = cpuSeconds(backend);
    const mine = process.cpuUsage();
    const started = performance.now();
    const stream = client.query(
      copyFrom(
        `COPY messages (org_id, device_id, device_seq, id, created_at, updated_at, session_id, role, text, sequence, timestamp, model, input_tokens, output_tokens, cache_read_tokens, kind) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(chunks(lines, 5000)), stream);
    const seconds = (performance.now() - started) / 1000;
    const client_ = process.cpuUsage(mine);
    return { seconds, cpu: cpuSeconds(backend) - cpuBefore + (client_.user + client_.system) / 1e6 };
  } finally {
    await client.end();
  }
}

function* chunks(lines: string[], size: number): Generator<string> {
  for (let i = 0; i < lines.length; i += size) yield lines.slice(i, i + size).join('');
}

/** Runs the sync benchmark and prints its figures. */
export async function benchSync(): Promise<void> {
  console.log(`\nsync: ${ROWS.toLocaleString()} message rows, desktop SQLite → team server → Postgres, next to COPY`);
  const db = await freshDatabase('pitwall_bench');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-sync-'));
  const server = await startServer(db.url);
  const pool = appPool(appUrlFor(db.url, undefined).url, { max: 2, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000 });
  try {
    const one = await makeDesktop(dir, server.url, pool, ROWS);
    const copy = await copyBaseline(db.url, one);
    const seen = new Map<number, number>();
    await backendCpu(db.url, seen);
    let serverCpu = cpuSeconds(server.child.pid!);
    const serverCpuUsed = () => {
      const before = serverCpu;
      serverCpu = cpuSeconds(server.child.pid!);
      return serverCpu - before;
    };
    const pushed = await pushDesktop(one);
    const oneSplit = [await backendCpu(db.url, seen), serverCpuUsed(), pushed.cpu];
    const pushCpu = oneSplit.reduce((a, b) => a + b, 0);
    const copyRate = ROWS / copy.seconds;
    const pushRate = ROWS / pushed.seconds;
    row('', 'seconds', 'rows/s', 'ratio', 'CPU s', 'CPU ratio');
    row('COPY into messages (baseline)', copy.seconds.toFixed(2), Math.round(copyRate).toLocaleString(), '1.00×', copy.cpu.toFixed(1), '1.00×');
    row('one desktop pushing', pushed.seconds.toFixed(2), Math.round(pushRate).toLocaleString(), `${(pushRate / copyRate).toFixed(2)}×`, pushCpu.toFixed(1), `${(copy.cpu / pushCpu).toFixed(2)}×`);
    row('  CPU s: Postgres / team server / desktop', '', '', '', oneSplit.map((n) => n.toFixed(1)).join(' / '));
    if (pushed.pushed < ROWS) throw new Error(`pushed ${pushed.pushed} rows, expected at least ${ROWS}`);

    const each = Math.round(ROWS / DESKTOPS);
    const files = [];
    for (let i = 0; i < DESKTOPS; i++) files.push(await makeDesktop(dir, server.url, pool, each));
    await backendCpu(db.url, seen);
    serverCpuUsed();
    const started = performance.now();
    const results = await Promise.all(files.map((f) => pushDesktop(f)));
    const wall = (performance.now() - started) / 1000;
    const total = results.reduce((n, r) => n + r.pushed, 0);
    const manySplit = [await backendCpu(db.url, seen), serverCpuUsed(), results.reduce((n, r) => n + r.cpu, 0)];
    const manyCpu = manySplit.reduce((a, b) => a + b, 0);
    // CPU ratio per row: COPY's CPU for the rows pushed, over what the push used.
    row(
      `${DESKTOPS} desktops at once (${each.toLocaleString()} each)`,
      wall.toFixed(2),
      Math.round(total / wall).toLocaleString(),
      `${(total / wall / copyRate).toFixed(2)}×`,
      manyCpu.toFixed(1),
      `${((copy.cpu * total) / ROWS / manyCpu).toFixed(2)}×`,
    );
    row('  CPU s: Postgres / team server / desktops', '', '', '', manySplit.map((n) => n.toFixed(1)).join(' / '));
    row('team server peak RSS (MiB)', peakRssMiB(server.child.pid!).toFixed(0), '', 'target < 300');
  } finally {
    await pool.end();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
