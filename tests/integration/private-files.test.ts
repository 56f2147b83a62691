import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { PtyHostClient, ptyHostSocketPath } from '../../src-main/agents/pty-host-client';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// What Pitwall keeps is for its user only, and its sockets are its own: checked as another user on
// the same machine would attack them (the tests run as root, so "another user" is `nobody`).

const until = poller({ timeoutMs: 20_000, intervalMs: 50 });
const NOBODY = 65534;
const mode = (file: string) => fs.statSync(file).mode & 0o777;

const apps: App[] = [];
const clients: PtyHostClient[] = [];
afterEach(async () => {
  await apps.at(-1)?.sessions.shutdownAgents().catch(() => undefined);
  for (const app of apps.splice(0)) await app.dispose();
  for (const client of clients.splice(0)) {
    await client.shutdown().catch(() => undefined);
    client.dispose();
  }
});
afterAll(removeTempDirs);

function app(dataDir: string, env: NodeJS.ProcessEnv = { ...process.env, HOME: dataDir }): App {
  const made = makeTestApp(dataDir, env);
  apps.push(made);
  return made;
}

/** A real session whose "agent" prints its hook URL and secret, writes a file in its folder, and waits. */
async function hookedSession(core: App) {
  const repo = makeRepo('private-files');
  const project = value<Project>(await core.router.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(
    await core.router.dispatch('profiles:create', {
      name: 'hooked',
      kind: 'claude-code',
      command: '/bin/sh',
      args: ['-c', 'echo agent-wrote > agent-file.txt; printf "HOOK=%s=%s=\\n" "$PITWALL_HOOK_URL" "$PITWALL_HOOK_SECRET"; seq 1 2000; exec sleep 600'],
    }),
  );
  let screen = '';
  core.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await core.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 200, rows: 24 }));
  const [, url, secret] = await until(() => /HOOK=(\S+)=(\S+)=/.exec(screen), 'the hook environment on the screen');
  await until(() => screen.includes('2000'), 'the output');
  return { repo, session, url: url!, secret: secret! };
}

describe('private files', () => {
  it('keeps the data dir 0700 and the database, WAL, SHM, scrollback, logs and tool output 0600 after a real session, without touching the umask agents inherit', async () => {
    const umask = process.umask();
    const dataDir = tempDir('pitwall-data-');
    const core = app(dataDir);
    await core.ready;
    const { repo, session, url, secret } = await hookedSession(core);
    // A tool result too long for the audit row goes to tool-output/, through the real hook endpoint.
    const res = await fetch(`${url}/hook/claude-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-pitwall-session': session.id },
      body: JSON.stringify({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'seq 1 2000' }, tool_use_id: 'toolu_long', tool_response: { stdout: 'x'.repeat(10_000) } }),
    });
    expect(res.status).toBe(200);
    const audit = await until(async () => value<{ outputFile: string | null }[]>(await core.router.dispatch('audit:list', { sessionId: session.id }))[0]?.outputFile, 'the tool output file');

    expect(mode(dataDir)).toBe(0o700);
    for (const file of ['pitwall.db', 'pitwall.db-wal', 'pitwall.db-shm']) expect([file, mode(path.join(dataDir, file))]).toEqual([file, 0o600]);
    for (const dir of ['scrollback', 'logs', 'tool-output', 'run']) expect([dir, mode(path.join(dataDir, dir))]).toEqual([dir, 0o700]);
    const scrollback = fs.readdirSync(path.join(dataDir, 'scrollback'));
    expect(scrollback.length).toBeGreaterThan(0);
    for (const file of scrollback) expect([file, mode(path.join(dataDir, 'scrollback', file))]).toEqual([file, 0o600]);
    expect(mode(path.join(dataDir, 'logs', 'pty-host.log'))).toBe(0o600);
    expect(mode(audit)).toBe(0o600);
    expect(mode(path.join(dataDir, 'run', 'pty-host.sock'))).toBe(0o600);
    // The agents' own files follow the user's umask, as they would outside Pitwall.
    expect(process.umask()).toBe(umask);
    await until(() => fs.existsSync(path.join(repo, 'agent-file.txt')), 'the agent file');
    expect(mode(path.join(repo, 'agent-file.txt'))).toBe(0o666 & ~umask);
  });

  it('tightens what an older install left readable when it starts', async () => {
    const dataDir = tempDir('pitwall-data-');
    fs.chmodSync(dataDir, 0o755);
    const old: string[] = [];
    for (const [dir, name] of [['scrollback', 's.1.log'], ['logs', 'pty-host.log'], ['tool-output', 'o.txt'], ['verification', 'v.log']] as const) {
      fs.mkdirSync(path.join(dataDir, dir), { mode: 0o755 });
      fs.writeFileSync(path.join(dataDir, dir, name), 'old', { mode: 0o644 });
      old.push(path.join(dataDir, dir, name));
    }
    fs.writeFileSync(path.join(dataDir, 'pitwall.db'), '', { mode: 0o644 });
    const core = app(dataDir);
    await core.ready;
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'pitwall.db'))).toBe(0o600);
    for (const file of old) {
      expect([file, mode(file)]).toEqual([file, 0o600]);
      expect([file, mode(path.dirname(file))]).toEqual([file, 0o700]);
    }
  });

  it('accepts a data folder the user linked elsewhere, and makes where it points private', async () => {
    const target = tempDir('pitwall-data-target-');
    fs.chmodSync(target, 0o755);
    const link = path.join(tempDir('pitwall-link-'), 'pitwall');
    fs.symlinkSync(target, link);
    const core = app(link);
    await core.ready;
    expect(mode(target)).toBe(0o700);
    expect(mode(path.join(target, 'pitwall.db'))).toBe(0o600);
  });

  it('gives the pty host none of the core’s secrets in its environment', async () => {
    const secrets = { PITWALL_TOKEN: 'core-token-7f3a', ANTHROPIC_API_KEY: 'sk-ant-core-9d2c', GITHUB_TOKEN: 'ghp_core_51e0', AWS_SECRET_ACCESS_KEY: 'aws-core-44b1' };
    const saved = Object.fromEntries(Object.keys(secrets).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secrets);
    try {
      const dataDir = tempDir('pitwall-data-');
      const core = app(dataDir);
      await core.ready;
      await hookedSession(core);
      const pid = core.ptyHost.hostPid();
      expect(pid).toEqual(expect.any(Number));
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ).toContain('PATH=');
      for (const [name, secret] of Object.entries(secrets)) {
        expect(environ).not.toContain(name);
        expect(environ).not.toContain(secret);
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('the pty host socket', () => {
  it('lives in the data dir, or for a long data dir in a private folder of XDG_RUNTIME_DIR or the temp dir', () => {
    expect(ptyHostSocketPath('/home/u/.config/pitwall', {})).toBe('/home/u/.config/pitwall/run/pty-host.sock');
    const long = `/home/u/${'deep/'.repeat(25)}pitwall`;
    expect(ptyHostSocketPath(long, { XDG_RUNTIME_DIR: '/run/user/1000' })).toMatch(/^\/run\/user\/1000\/pitwall\/pty-[0-9a-f]{12}\.sock$/);
    expect(ptyHostSocketPath(long, {})).toMatch(new RegExp(`/pitwall-${process.getuid!()}/pty-[0-9a-f]{12}\\.sock$`));
  });

  it('makes its folder 0700 when the data dir is long, and a host runs there', async () => {
    const runtime = tempDir('pitwall-runtime-');
    const dir = tempDir('pitwall-long-');
    const long = path.join(dir, 'x'.repeat(90));
    const socketPath = ptyHostSocketPath(long, { XDG_RUNTIME_DIR: runtime });
    expect(path.dirname(socketPath)).toBe(path.join(runtime, 'pitwall'));
    const client = new PtyHostClient(socketPath, ptyHostLaunchFromSource(socketPath, path.join(dir, 'scrollback')), path.join(dir, 'logs', 'pty-host.log'));
    clients.push(client);
    expect(await client.list()).toEqual([]);
    expect(mode(path.join(runtime, 'pitwall'))).toBe(0o700);
    expect(mode(socketPath)).toBe(0o600);
  });

  it('refuses a socket folder owned by someone else, with a clear error, and starts no host there', async () => {
    const dir = tempDir('pitwall-squat-');
    const runDir = path.join(dir, 'run');
    fs.mkdirSync(runDir, { mode: 0o700 });
    fs.chownSync(runDir, NOBODY, NOBODY);
    const socketPath = path.join(runDir, 'pty-host.sock');
    const client = new PtyHostClient(socketPath, ptyHostLaunchFromSource(socketPath, path.join(dir, 'scrollback')), path.join(dir, 'logs', 'pty-host.log'));
    clients.push(client);
    await expect(client.spawn({ sessionId: 's', file: '/bin/true', args: [], cwd: dir, env: {}, cols: 80, rows: 24, name: 'xterm' })).rejects.toThrow(/belongs to another user \(uid 65534/);
    expect(fs.existsSync(socketPath)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'logs'))).toBe(false);
  });

  it('refuses a socket owned by someone else in its folder: the listener there never gets the spawn request', async () => {
    const dir = tempDir('pitwall-squat-');
    const runDir = path.join(dir, 'run');
    fs.mkdirSync(runDir, { mode: 0o700 });
    const socketPath = path.join(runDir, 'pty-host.sock');
    let connections = 0;
    const squatter = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => squatter.listen(socketPath, () => resolve()));
    fs.chownSync(socketPath, NOBODY, NOBODY);
    try {
      const client = new PtyHostClient(socketPath, ptyHostLaunchFromSource(socketPath, path.join(dir, 'scrollback')), path.join(dir, 'logs', 'pty-host.log'));
      clients.push(client);
      await expect(client.spawn({ sessionId: 's', file: '/bin/true', args: [], cwd: dir, env: { SECRET: 'x' }, cols: 80, rows: 24, name: 'xterm' })).rejects.toThrow(
        /terminal host socket .* belongs to another user \(uid 65534/,
      );
      await expect(client.isListening()).rejects.toThrow(/belongs to another user/);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('refuses a socket folder that is a symbolic link', async () => {
    const dir = tempDir('pitwall-squat-');
    const elsewhere = tempDir('pitwall-elsewhere-');
    fs.chmodSync(elsewhere, 0o700);
    fs.symlinkSync(elsewhere, path.join(dir, 'run'));
    const socketPath = path.join(dir, 'run', 'pty-host.sock');
    const client = new PtyHostClient(socketPath, ptyHostLaunchFromSource(socketPath, path.join(dir, 'scrollback')), path.join(dir, 'logs', 'pty-host.log'));
    clients.push(client);
    await expect(client.list()).rejects.toThrow(/is a symbolic link/);
  });

  it('fails a session start at once with the reason when the data dir’s socket folder was taken', async () => {
    const dataDir = tempDir('pitwall-data-');
    fs.mkdirSync(path.join(dataDir, 'run'), { mode: 0o700 });
    fs.chownSync(path.join(dataDir, 'run'), NOBODY, NOBODY);
    const core = app(dataDir);
    await core.ready;
    const project = value<Project>(await core.router.dispatch('projects:add', { path: makeRepo('squatted') }));
    const profile = value<AgentProfile>(await core.router.dispatch('profiles:create', { name: 'sh', kind: 'shell', command: '/bin/sh' }));
    const session = value<Session>(await core.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'secret prompt', cols: 80, rows: 24 }));
    expect(session).toMatchObject({ status: 'failed', statusDetail: expect.stringMatching(/belongs to another user \(uid 65534/) });
  });
});

