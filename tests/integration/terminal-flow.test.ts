import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { startHeadlessShell, type HeadlessShell } from '../../src-main/headless-shell';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// Terminal output over the headless shell's WebSocket: only to the clients watching a terminal, and a
// client that falls behind pauses the terminal's pty (the agent blocks) instead of piling output up.

const TOKEN = 'test-token-0123456789';
const until = poller({ timeoutMs: 30_000, intervalMs: 50 });
let shell: HeadlessShell;

beforeEach(async () => {
  const staticDir = tempDir('pitwall-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Pitwall</title>');
  shell = await startHeadlessShell({
    dataDir: tempDir('pitwall-data-'),
    migrationsDir: MIGRATIONS_DIR,
    staticDir,
    port: 0,
    token: TOKEN,
    version: 'test',
    transcriptRoots: [],
    ptyHostLaunch: ptyHostLaunchFromSource,
  });
});
afterEach(async () => {
  await shell.dispose();
});
afterAll(removeTempDirs);

interface Output {
  sessionId: string;
  offset: number;
  data: string;
}

/** A WebSocket client of `/events` that records every message. */
class EventsClient {
  readonly outputs: Output[] = [];
  readonly others: string[] = [];
  private readonly acks = new Set<string>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { event?: string; payload?: Output; ack?: string; sessionId?: string };
      if (msg.ack) this.acks.add(`${msg.ack} ${msg.sessionId}`);
      else if (msg.event === 'sessions:output') this.outputs.push(msg.payload!);
      else if (msg.event) this.others.push(msg.event);
    });
  }

  static async open(): Promise<EventsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.server.port}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new EventsClient(ws);
  }

  async watch(sessionId: string): Promise<void> {
    this.ws.send(JSON.stringify({ type: 'watch', sessionId }));
    await until(() => this.acks.has(`watch ${sessionId}`), 'the watch acknowledged');
  }

  /** The output received for a session, checked to be one gapless stream from offset 0. */
  stream(sessionId: string): string {
    let offset = 0;
    let text = '';
    for (const o of this.outputs.filter((p) => p.sessionId === sessionId)) {
      expect(o.offset).toBe(offset);
      offset += Buffer.byteLength(o.data);
      text += o.data;
    }
    return text;
  }

  bytes(sessionId: string): number {
    return this.outputs.filter((p) => p.sessionId === sessionId).reduce((n, o) => n + Buffer.byteLength(o.data), 0);
  }
}

async function setUp(command: string): Promise<{ project: Project; profile: AgentProfile }> {
  const { app } = shell;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('flow-repo') }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'out', kind: 'shell', command: '/bin/sh', args: ['-c', command] }));
  return { project, profile };
}

async function hostBytes(sessionId: string): Promise<{ bytes: number; running: boolean }> {
  // The core has the host forget a session once it has exited.
  const s = (await shell.app.ptyHost.list()).find((h) => h.sessionId === sessionId);
  return { bytes: s?.bytes ?? -1, running: s?.running ?? false };
}

describe('terminal output over the WebSocket', () => {
  it('goes only to the clients watching that terminal', async () => {
    const { app } = shell;
    const { project, profile } = await setUp('read go; printf "only-for-watchers-%s\\n" 1 2 3');
    const watcher = await EventsClient.open();
    const bystander = await EventsClient.open();
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    await watcher.watch(session.id);
    value(await app.router.dispatch('sessions:input', { sessionId: session.id, data: 'go\r' }));
    await until(() => watcher.stream(session.id).includes('only-for-watchers-3'), 'the watcher to receive the output');
    await until(async () => !(await hostBytes(session.id)).running, 'the session to exit');
    // The bystander is connected and hears other events (the session's changes), but none of its output.
    await until(() => bystander.others.includes('sessions:changed'), 'the bystander to hear the session change');
    expect(bystander.outputs).toEqual([]);
    watcher.ws.close();
    bystander.ws.close();
  });

  it('pauses the pty while a client is slow to read, and loses nothing', async () => {
    const { app } = shell;
    const lines = 1_500_000;
    // About 12 MB: far more than the client's 1 MiB allowance plus the socket and pty buffers.
    const { project, profile } = await setUp(`read go; seq 1 ${lines}`);
    const slow = await EventsClient.open();
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    await slow.watch(session.id);
    // The client stops reading its socket, as a busy or far-away browser tab does.
    slow.ws.pause();
    value(await app.router.dispatch('sessions:input', { sessionId: session.id, data: 'go\r' }));

    await until(() => app.outputFlow.isHeld(session.id), 'the slow client to hold the terminal');
    // The pty is no longer read: what the host has taken stops growing, far short of the whole output, and the agent waits.
    let last = -1;
    const held = await until(async () => {
      const now = await hostBytes(session.id);
      const steady = now.bytes === last;
      last = now.bytes;
      return steady ? now : null;
    }, 'the host to stop taking output');
    expect(held.running).toBe(true);
    expect(held.bytes).toBeLessThan(6 * 1024 * 1024);

    slow.ws.resume();
    await until(() => slow.outputs.at(-1)?.data.endsWith(`\n${lines}\r\n`), 'all the output to arrive', 120_000);
    await until(async () => !(await hostBytes(session.id)).running, 'the session to exit');
    expect(app.outputFlow.isHeld(session.id)).toBe(false);
    const numbers = slow
      .stream(session.id)
      .split('\r\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(numbers).toHaveLength(lines);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
    slow.ws.close();
  }, 180_000);
});
