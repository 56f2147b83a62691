import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PtyHostClient } from '../../src-main/agents/pty-host-client';
import { descendants } from '../../src-main/agents/pty-host/kill-tree';
import type { SpawnSpec } from '../../src-main/agents/pty-host/protocol';
import { processState, waitUntilGone } from '../helpers/processes';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

let dir: string;
let socketPath: string;
let clients: PtyHostClient[];

function newClient(): PtyHostClient {
  const client = new PtyHostClient(socketPath, ptyHostLaunchFromSource(socketPath, path.join(dir, 'scrollback')), path.join(dir, 'pty-host.log'));
  clients.push(client);
  return client;
}

function spec(sessionId: string, file: string, args: string[], extra: Partial<SpawnSpec> = {}): SpawnSpec {
  return { sessionId, file, args, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', HOME: dir }, cols: 80, rows: 24, name: 'xterm-256color', ...extra };
}

/** Collects a session's live output and resolves on its exit. */
function collect(client: PtyHostClient, sessionId: string) {
  const chunks: Buffer[] = [];
  let exit: { exitCode: number | null; signal: number | null } | null = null;
  const waiters: (() => void)[] = [];
  client.onOutput((id, _offset, data) => {
    if (id !== sessionId) return;
    chunks.push(data);
    waiters.forEach((w) => w());
  });
  client.onExit((id, exitCode, signal) => {
    if (id !== sessionId) return;
    exit = { exitCode, signal };
    waiters.forEach((w) => w());
  });
  const text = () => Buffer.concat(chunks).toString('utf8');
  const until = (predicate: () => boolean, ms = 15_000) =>
    new Promise<void>((resolve, reject) => {
      if (predicate()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out; output so far: ${text().slice(-500)}`)), ms);
      waiters.push(() => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  return { chunks, text, until, exited: () => exit, bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
}

beforeEach(() => {
  dir = tempDir('pitwall-pty-');
  socketPath = path.join(dir, 'run', 'pty.sock');
  clients = [];
});
afterEach(async () => {
  await clients[0]?.shutdown().catch(() => undefined);
  for (const c of clients) c.dispose();
});
afterAll(removeTempDirs);

// Every test here drives POSIX programs (/bin/sh, cat, stty, tput) through the pty, and the process
// checks go through `ps`: they run on Linux and macOS. Windows' ConPTY needs its own programs.
describe.skipIf(process.platform === 'win32')('pty host (POSIX programs; Windows has no /bin/sh)', () => {
  it('stops reading a pty while a connection is not reading its output, and loses none of it', async () => {
    const lines = 1_500_000;
    const reader = newClient();
    const stalled = newClient();
    const out = collect(stalled, 'flow');
    // A core that stops reading its socket (busy, or stopped in a debugger).
    const socket = await stalled.connect();
    socket.pause();
    await reader.spawn(spec('flow', '/bin/sh', ['-c', `seq 1 ${lines}`]));
    let last = -1;
    let held: { bytes: number; running: boolean } | null = null;
    for (let i = 0; i < 600 && !held; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const s = (await reader.list()).find((x) => x.sessionId === 'flow')!;
      if (s.bytes === last) held = s;
      last = s.bytes;
    }
    // About 12 MB in all; the host took only what fits the stalled connection's allowance and the buffers.
    expect(held).toMatchObject({ running: true });
    expect(held!.bytes).toBeLessThan(6 * 1024 * 1024);
    socket.resume();
    await out.until(() => out.exited() !== null, 120_000);
    const numbers = out
      .text()
      .split('\r\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(numbers).toHaveLength(lines);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
  }, 180_000);

  it('pauses a session while a core asks, and lets it go when that core disconnects', async () => {
    const lines = 400_000;
    const reader = newClient();
    const out = collect(reader, 'held');
    const core = newClient();
    await reader.spawn(spec('held', '/bin/sh', ['-c', `read go; seq 1 ${lines}`]));
    await core.flow('held', true);
    await reader.input('held', 'go\r');
    let last = -1;
    let held: { bytes: number; running: boolean } | null = null;
    for (let i = 0; i < 600 && !held; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const s = (await reader.list()).find((x) => x.sessionId === 'held')!;
      if (s.bytes === last) held = s;
      last = s.bytes;
    }
    expect(held).toMatchObject({ running: true });
    expect(held!.bytes).toBeLessThan(1024 * 1024);
    // The core that held it goes away (a crash): its agents must not stay blocked.
    core.dispose();
    await out.until(() => out.exited() !== null, 120_000);
    expect(out.text()).toContain(`\r\n${lines}\r\n`);
  }, 180_000);

  it('runs a shell that echoes what is typed', async () => {
    const client = newClient();
    const out = collect(client, 's1');
    await client.spawn(spec('s1', '/bin/sh', []));
    await client.input('s1', 'echo hello-$((40+2))\r');
    await out.until(() => out.text().includes('hello-42'));
    await client.input('s1', 'exit 0\r');
    await out.until(() => out.exited() !== null);
    expect(out.exited()).toEqual({ exitCode: 0, signal: 0 });
  });

  it('records a large output that ends at once to its last byte', async () => {
    const file = path.join(dir, 'big.txt');
    const size = 24 * 1024 * 1024;
    // No newlines, so the terminal's \n -> \r\n translation cannot change the byte count.
    const block = Buffer.alloc(1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < size / block.length - 1; i++) fs.writeSync(fd, block);
    const tail = Buffer.alloc(block.length - 16, 'z');
    fs.writeSync(fd, tail);
    fs.writeSync(fd, Buffer.from('<<END-OF-FILE>>!'));
    fs.closeSync(fd);
    expect(fs.statSync(file).size).toBe(size);

    const client = newClient();
    const out = collect(client, 'big');
    await client.spawn(spec('big', '/bin/cat', [file]));
    await out.until(() => out.exited() !== null, 60_000);
    expect(out.bytes()).toBe(size);
    expect(out.text().endsWith('<<END-OF-FILE>>!')).toBe(true);
    const replay = await client.replay('big');
    expect(replay.bytes).toBe(size);
    // The scrollback is bounded: the newest part is kept, ending at the last byte.
    expect(replay.data.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(replay.data.subarray(-16).toString()).toBe('<<END-OF-FILE>>!');
  });

  it('lets the child see a resize', async () => {
    const client = newClient();
    const out = collect(client, 'r');
    await client.spawn(spec('r', '/bin/sh', []));
    await client.resize('r', 133, 41);
    await client.input('r', 'stty size; tput cols\r');
    await out.until(() => out.text().includes('41 133'));
    await out.until(() => /\r\n133\r\n/.test(out.text()));
  });

  it('records exit codes', async () => {
    const client = newClient();
    const out = collect(client, 'code');
    await client.spawn(spec('code', '/bin/sh', ['-c', 'echo bye; exit 7']));
    await out.until(() => out.exited() !== null);
    expect(out.exited()?.exitCode).toBe(7);
    expect(out.text()).toContain('bye');
  });

  it('stops a whole process tree that ignores SIGTERM, escalating to SIGKILL', async () => {
    const client = newClient();
    const out = collect(client, 'stubborn');
    const session = await client.spawn(spec('stubborn', '/bin/sh', ['-c', 'trap "" TERM; sh -c \'trap "" TERM; sleep 300\' & echo started; wait']));
    await out.until(() => out.text().includes('started'));
    const tree = descendants(session.pid);
    expect(tree.length).toBeGreaterThanOrEqual(1);
    expect([session.pid, ...tree].map(processState)).toEqual([session.pid, ...tree].map(() => 'alive'));
    await client.kill('stubborn', 500);
    await out.until(() => out.exited() !== null, 10_000);
    await waitUntilGone([session.pid, ...tree]);
  });

  it('keeps sessions running across a reconnect and replays their scrollback', async () => {
    const first = newClient();
    await first.spawn(spec('long', '/bin/sh', ['-c', 'i=0; while [ $i -lt 100000 ]; do echo tick-$i; i=$((i+1)); sleep 0.05; done']));
    const early = collect(first, 'long');
    await early.until(() => early.text().includes('tick-3'));
    first.dispose();

    const second = newClient();
    const sessions = await second.list();
    expect(sessions.find((s) => s.sessionId === 'long')).toMatchObject({ running: true });
    const replay = await second.replay('long');
    expect(replay.data.toString()).toContain('tick-0');
    expect(replay.data.toString()).toContain('tick-3');
    const live = collect(second, 'long');
    const want = `tick-${Number(/tick-(\d+)\s*$/.exec(replay.data.toString())?.[1] ?? 0) + 2}`;
    await live.until(() => live.text().includes(want));
    await second.kill('long', 200);
    await live.until(() => live.exited() !== null);
  });
});
