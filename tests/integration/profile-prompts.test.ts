import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, EnvironmentSummary, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 15_000, intervalMs: 50 });

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

async function start(): Promise<{ app: App; project: Project; out: string }> {
  app = makeTestApp();
  await app.ready;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('prompts') }));
  return { app, project, out: path.join(tempDir(), 'out.txt') };
}

async function finished(a: App, id: string): Promise<Session> {
  return until(async () => {
    const s = value<Session>(await a.router.dispatch('sessions:get', { sessionId: id }));
    return s.status === 'exited' || s.status === 'failed' ? s : undefined;
  }, 'the agent to finish');
}

const PROMPT = 'Write the "docs"; then $(say) done';

describe('how a profile passes the first prompt', () => {
  it('as the last argument of any command', async () => {
    const { app, project, out } = await start();
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'args', kind: 'shell', command: '/bin/sh', args: ['-c', `printf '%s|%s' "$#" "$1" > '${out}'`, 'agent'], promptMode: 'argument' }));
    const s = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: PROMPT }));
    expect((await finished(app, s.id)).exitCode).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(`1|${PROMPT}`);
  });

  it('refuses, as an argument of any command, a prompt that would read as an option', async () => {
    const { app, project, out } = await start();
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'args', kind: 'shell', command: '/bin/sh', args: ['-c', `printf '%s' "$1" > '${out}'`, 'agent'], promptMode: 'argument' }));
    const refused = await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: '--permission-mode=bypassPermissions' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('would read as an option') } });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('on standard input, the terminal still its output, the prompt in neither argv nor the command’s environment', async () => {
    const { app, project, out } = await start();
    const seen = path.join(path.dirname(out), 'seen.txt');
    const script = `cat > '${out}'; { env; ps -o args= -p $$; } > '${seen}'; test -t 1 && echo stdout-is-the-terminal`;
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'stdin', kind: 'shell', command: '/bin/sh', args: ['-c', script], promptMode: 'stdin' }));
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const s = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: PROMPT }));
    expect((await finished(app, s.id)).exitCode).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(`${PROMPT}\n`);
    expect(fs.readFileSync(seen, 'utf8')).not.toContain('Write the');
    await until(() => screen.includes('stdout-is-the-terminal'), 'output on the terminal', 5000, () => screen);
  });

  it('typed into the terminal', async () => {
    const { app, project, out } = await start();
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'typed', kind: 'shell', command: '/bin/sh', args: ['-c', `read -r line; printf '%s' "$line" > '${out}'`], promptMode: 'typed' }));
    const s = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: PROMPT }));
    expect((await finished(app, s.id)).exitCode).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(PROMPT);
  });

  it('not at all: the built-in Shell never runs a task’s title as a command', async () => {
    const { app, project } = await start();
    const shell = value<AgentProfile[]>(await app.router.dispatch('profiles:list', {})).find((p) => p.kind === 'shell' && p.builtIn)!;
    expect(shell.promptMode).toBe('none');
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const s = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: shell.id, prompt: 'Write: the docs', title: 'Docs' }));
    expect(s.title).toBe('Docs');
    value(await app.router.dispatch('sessions:input', { sessionId: s.id, data: 'echo marker-$((40+2))\r' }));
    await until(() => screen.includes('marker-42'), 'the shell to answer', 10_000, () => screen);
    expect(screen).not.toContain('Write');
    expect(screen).not.toContain('command not found');
    value(await app.router.dispatch('sessions:stop', { sessionId: s.id }));
  });
});

describe('editing profiles', () => {
  it('gives each kind its default prompt mode and refuses one the kind cannot take', async () => {
    const { app } = await start();
    const byKind = Object.fromEntries(value<AgentProfile[]>(await app.router.dispatch('profiles:list', {})).map((p) => [p.kind, p.promptMode]));
    expect(byKind).toEqual({ 'claude-code': 'argument', codex: 'argument', gemini: 'argument', aider: 'typed', shell: 'none' });
    expect(value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'any', kind: 'shell', command: 'llm' })).promptMode).toBe('typed');
    const refused = await app.router.dispatch('profiles:create', { name: 'aider on stdin', kind: 'aider', command: 'aider', promptMode: 'stdin' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('typed into the terminal, not at all') } });
  });

  it('edits a built-in, keeps its kind, and restores its defaults', async () => {
    const { app } = await start();
    const claude = value<AgentProfile[]>(await app.router.dispatch('profiles:list', {})).find((p) => p.kind === 'claude-code')!;
    const edited = value<AgentProfile>(
      await app.router.dispatch('profiles:update', { id: claude.id, command: '/opt/claude/bin/claude', args: ['--verbose'], env: { CLAUDE_CONFIG_DIR: '/work/claude' }, promptMode: 'typed', model: 'opus' }),
    );
    expect(edited).toMatchObject({ builtIn: true, command: '/opt/claude/bin/claude', args: ['--verbose'], env: { CLAUDE_CONFIG_DIR: '/work/claude' }, promptMode: 'typed', model: 'opus' });
    expect(await app.router.dispatch('profiles:update', { id: claude.id, kind: 'shell' })).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('duplicate it') } });
    const reset = value<AgentProfile>(await app.router.dispatch('profiles:reset', { id: claude.id }));
    expect(reset).toMatchObject({ name: 'Claude Code', command: 'claude', args: [], env: {}, promptMode: 'argument', model: null, builtIn: true });
    const own = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'mine', kind: 'codex', command: 'codex' }));
    expect(await app.router.dispatch('profiles:reset', { id: own.id })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    // Changing a custom profile's kind moves it to that kind's default mode.
    expect(value<AgentProfile>(await app.router.dispatch('profiles:update', { id: own.id, kind: 'aider' })).promptMode).toBe('typed');
  });

  it('lists the environment agents start with by name only, and reads it again on request', async () => {
    const home = tempDir('pitwall-home-');
    fs.writeFileSync(path.join(home, '.bash_profile'), 'export GEMINI_API_KEY=secret-gemini-value\n');
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home, SHELL: execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim() });
    await app.ready;
    const summary = value<EnvironmentSummary>(await app.router.dispatch('profiles:environment', {}));
    expect(summary).toMatchObject({ source: 'login-shell', problem: null });
    expect(summary.keys).toEqual(expect.arrayContaining(['GEMINI_API_KEY', 'HOME', 'PATH', 'TERM']));
    expect(summary.keys).toEqual([...summary.keys].sort());
    expect(JSON.stringify(summary)).not.toContain('secret-gemini-value');
    fs.writeFileSync(path.join(home, '.bash_profile'), 'export GEMINI_API_KEY=x\nexport HTTPS_PROXY=http://proxy:3128\n');
    expect(value<EnvironmentSummary>(await app.router.dispatch('profiles:environment', {})).keys).not.toContain('HTTPS_PROXY');
    expect(value<EnvironmentSummary>(await app.router.dispatch('profiles:environment', { refresh: true })).keys).toContain('HTTPS_PROXY');
  });
});
