import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import { startCoreProcess, type CoreProcess } from '../helpers/core-process';
import { makeRepo } from '../helpers/git-repo';
import { hookHeaders, startHookedAgent, stopAgents } from '../helpers/hooked-agent';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { poller, value } from '../helpers/wait';

// Issue 16 item 1: hook requests cut off in the middle (an agent killed while it sends a large
// Write, or while it waits for a person) leave the core process alive and answering, and are
// handled where they happen, never by the process-wide last resort.

const until = poller({ timeoutMs: 30_000, intervalMs: 50 });
let core: CoreProcess | null = null;
afterEach(async () => {
  await stopAgents(core);
  await core?.kill();
  core = null;
});
afterAll(removeTempDirs);

/** Sends a request's head and `body` on a raw socket; `cut` says when to drop the connection. */
function sendRaw(url: string, head: Record<string, string>, body: string, cut: (socket: net.Socket) => Promise<void>): Promise<void> {
  const { port } = new URL(url);
  return new Promise<void>((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      const lines = Object.entries(head).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST /hook/claude-code HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      socket.write(body, () => {
        void cut(socket).then(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    socket.on('error', () => resolve());
  });
}

describe('the core with hook requests aborted', () => {
  it('stays alive and answering when requests are cut mid-body and while held for a person', async () => {
    const dataDir = tempDir('pitwall-data-');
    core = await startCoreProcess(dataDir, { ...process.env, HOME: dataDir });
    const agent = await startHookedAgent(core, dataDir, makeRepo('aborted-hooks'));
    const headers = hookHeaders(agent);

    // Cut in the middle of a large Write's body, five times.
    for (let i = 0; i < 5; i++) {
      await sendRaw(agent.url, { ...headers, 'content-length': String(20 * 1024 * 1024) }, `{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"content":"${'x'.repeat(1024 * 1024)}`, async () => undefined);
    }
    // Cut while the core holds the call for a person: the approval is withdrawn, nothing is allowed.
    const body = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'make deploy' }, tool_use_id: 'toolu_cut' });
    await sendRaw(agent.url, { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body, async () => {
      await until(async () => value<Approval[]>(await core!.dispatch('approvals:list', { status: 'pending' })).length === 1, 'the call waiting for a person');
    });
    await until(async () => value<Approval[]>(await core!.dispatch('approvals:list', { status: 'pending' })).length === 0, 'the held call to be withdrawn');
    const settled = value<Approval[]>(await core.dispatch('approvals:list', {}));
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ toolName: 'Bash', status: 'cancelled' });

    // Alive, answering, and nothing reached the last-resort handler.
    expect(core.child.exitCode).toBeNull();
    expect(value<Project[]>(await core.dispatch('projects:list', {})).map((p) => p.id)).toEqual([agent.project.id]);
    expect(core.stderr()).not.toMatch(/unexpected error|unhandled rejection/);
  });
});
