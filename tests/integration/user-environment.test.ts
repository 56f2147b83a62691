import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { createApp, type App } from '../../src-main/app';
import { resolveCommand } from '../../src-main/agents/command-resolver';
import { UserEnvironment } from '../../src-main/agents/user-environment';
import { makeRepo } from '../helpers/git-repo';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 20_000, intervalMs: 50 });
const APP_ROOT = path.resolve(__dirname, '../..');

/** Where a shell is installed, or a failure that says how to get it (CI installs it: .ci/run). */
function shellPath(name: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin', '/opt/homebrew/bin']) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`${name} is not installed; these tests run the real shell (sudo apt-get install -y ${name})`);
}

/** Pitwall's environment as `npm start` leaves it: npm's variables, its own, Electron's, and node_modules/.bin first on PATH. */
function launchedByNpm(home: string, shell: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    USER: 'tester',
    SHELL: shell,
    LANG: 'C.UTF-8',
    PATH: [path.join(APP_ROOT, 'node_modules', '.bin'), path.join(path.dirname(APP_ROOT), 'node_modules', '.bin'), '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    npm_lifecycle_event: 'start',
    npm_config_cache: '/root/.npm',
    npm_package_json: path.join(APP_ROOT, 'package.json'),
    INIT_CWD: APP_ROOT,
    NODE: process.execPath,
    COLOR: '1',
    EDITOR: 'vi',
    PITWALL_TOKEN: 'the-token-of-the-headless-shell',
    PITWALL_DATA_DIR: path.join(home, 'data'),
    ELECTRON_RUN_AS_NODE: '1',
  };
}

afterAll(removeTempDirs);

describe('the user environment agents get', () => {
  it('is the bash login shell’s whole environment, without Pitwall’s, npm’s or Electron’s variables', async () => {
    const home = tempDir('pitwall-home-');
    const tools = tempDir('pitwall-tools-');
    fs.writeFileSync(
      path.join(home, '.bash_profile'),
      [
        'export ANTHROPIC_API_KEY=sk-ant-from-profile',
        'export HTTPS_PROXY=http://proxy.example:3128',
        'export NODE_EXTRA_CA_CERTS=/etc/corp-ca.pem',
        'export CLAUDE_CONFIG_DIR="$HOME/claude-config"',
        `export PATH="${tools}:$PATH"`,
        'echo "welcome banner from .bash_profile"',
      ].join('\n'),
    );
    const resolved = await new UserEnvironment({ baseEnv: launchedByNpm(home, shellPath('bash')), appRoot: APP_ROOT }).get();
    expect(resolved).toMatchObject({ source: 'login-shell', shell: shellPath('bash'), problem: null });
    expect(resolved.env).toMatchObject({
      ANTHROPIC_API_KEY: 'sk-ant-from-profile',
      HTTPS_PROXY: 'http://proxy.example:3128',
      NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem',
      CLAUDE_CONFIG_DIR: path.join(home, 'claude-config'),
      HOME: home,
      USER: 'tester',
    });
    const keys = Object.keys(resolved.env);
    for (const gone of ['PITWALL_TOKEN', 'PITWALL_DATA_DIR', 'PITWALL_RESOLVING_ENVIRONMENT', 'ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ATTACH_CONSOLE', 'npm_lifecycle_event', 'npm_config_cache', 'INIT_CWD', 'NODE', 'COLOR', 'EDITOR', '_', 'PWD', 'SHLVL']) {
      expect(keys, gone).not.toContain(gone);
    }
    const entries = resolved.env.PATH!.split(':');
    expect(entries[0]).toBe(tools);
    expect(entries.some((e) => e.endsWith(path.join('node_modules', '.bin')))).toBe(false);
    expect(entries.some((e) => e.includes('node-gyp-bin'))).toBe(false);
  });

  it('reads fish’s PATH, a list, as the folders it holds, so a CLI installed there is found', async () => {
    const home = tempDir('pitwall-home-');
    const tools = tempDir('pitwall-fish tools-');
    fs.writeFileSync(path.join(tools, 'my-agent'), '#!/bin/sh\necho agent\n', { mode: 0o755 });
    fs.mkdirSync(path.join(home, '.config', 'fish'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'fish', 'config.fish'), `set -gx PATH "${tools}" /opt/other/bin $PATH\nset -gx OPENAI_API_KEY sk-openai-from-fish\n`);
    const resolved = await new UserEnvironment({ baseEnv: launchedByNpm(home, shellPath('fish')), appRoot: APP_ROOT }).get();
    expect(resolved).toMatchObject({ source: 'login-shell', problem: null });
    expect(resolved.env.OPENAI_API_KEY).toBe('sk-openai-from-fish');
    expect(resolved.env.PATH!.split(':').slice(0, 2)).toEqual([tools, '/opt/other/bin']);
    expect(resolveCommand('my-agent', resolved.env.PATH!, 'install it')).toBe(path.join(tools, 'my-agent'));
    expect(Object.keys(resolved.env)).not.toContain('PITWALL_TOKEN');
  });

  it('gives up on a login shell that hangs, after the timeout, with the reason, and kills it', async () => {
    const home = tempDir('pitwall-home-');
    const marker = `${Date.now() % 100000}.${process.pid}`;
    fs.writeFileSync(path.join(home, '.bash_profile'), `sleep ${marker}\n`);
    const started = Date.now();
    const resolved = await new UserEnvironment({ baseEnv: launchedByNpm(home, shellPath('bash')), appRoot: APP_ROOT, timeoutMs: 1000 }).get();
    expect(Date.now() - started).toBeLessThan(8000);
    expect(resolved.source).toBe('process');
    expect(resolved.problem).toMatch(/did not print its environment within 1 s/);
    // Pitwall's own environment stands in, cleaned the same way.
    expect(resolved.env).toMatchObject({ HOME: home, USER: 'tester' });
    expect(Object.keys(resolved.env)).not.toContain('PITWALL_TOKEN');
    expect(resolved.env.PATH).toBe('/usr/local/bin:/usr/bin:/bin');
    await until(() => !execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(`sleep ${marker}`), 'the hung shell to be killed');
  });

  it('names a login shell that cannot be started, and stands in Pitwall’s own environment', async () => {
    const home = tempDir('pitwall-home-');
    const resolved = await new UserEnvironment({ baseEnv: launchedByNpm(home, '/nonexistent/zsh'), appRoot: APP_ROOT }).get();
    expect(resolved.source).toBe('process');
    expect(resolved.problem).toContain('/nonexistent/zsh');
    expect(resolved.env.HOME).toBe(home);
  });
});

describe('an agent started from Pitwall', () => {
  let app: App | null = null;
  afterEach(async () => {
    await app?.sessions.shutdownAgents().catch(() => undefined);
    await app?.dispose();
    app = null;
  });

  it('sees the login shell’s variables, the profile’s on top, and none of Pitwall’s', async () => {
    const home = tempDir('pitwall-home-');
    fs.writeFileSync(path.join(home, '.bash_profile'), 'export ANTHROPIC_API_KEY=sk-ant-from-profile\nexport AWS_REGION=eu-west-1\nexport CODEX_HOME="$HOME/codex"\n');
    const dataDir = tempDir('pitwall-data-');
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      shell: 'headless',
      version: 'test',
      ptyHostLaunch: ptyHostLaunchFromSource,
      sessionOptions: { baseEnv: launchedByNpm(home, shellPath('bash')), stopGraceMs: 300 },
      transcriptRoots: [],
    });
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('env') }));
    const out = path.join(tempDir(), 'agent-env.txt');
    const profile = value<AgentProfile>(
      await app.router.dispatch('profiles:create', { name: 'env dump', kind: 'shell', command: '/bin/sh', args: ['-c', `env > '${out}'`], env: { AWS_REGION: 'us-east-1' } }),
    );
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    await until(async () => value<Session>(await app!.router.dispatch('sessions:get', { sessionId: session.id })).status === 'exited', 'the agent to finish');
    const env = Object.fromEntries(
      fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({ ANTHROPIC_API_KEY: 'sk-ant-from-profile', CODEX_HOME: path.join(home, 'codex'), AWS_REGION: 'us-east-1', TERM: 'xterm-256color', PITWALL_SESSION_ID: session.id });
    for (const gone of ['PITWALL_TOKEN', 'PITWALL_DATA_DIR', 'ELECTRON_RUN_AS_NODE', 'npm_lifecycle_event', 'INIT_CWD']) expect(Object.keys(env), gone).not.toContain(gone);
    expect(env.PATH).not.toContain('node_modules/.bin');
  });
});
