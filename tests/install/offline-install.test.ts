import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { poller } from '../helpers/wait';

// A new user's first two commands where Electron's binary cannot be downloaded (offline, a proxy,
// locked-down CI): `npm install` must succeed, and `npm start` must say what is missing in one
// line and serve the app headless. The download is made to fail with an unreachable mirror.

const ROOT = path.resolve(__dirname, '../..');
const until = poller({ timeoutMs: 180_000, intervalMs: 250 });
const UNREACHABLE = 'http://127.0.0.1:9/';

/** The environment of a user whose Electron download cannot succeed (and who did not opt out of it). */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: UNREACHABLE, electron_config_cache: path.join(home, 'electron-cache'), npm_config_audit: 'false', npm_config_fund: 'false' };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  return env;
}

/** Copies the checkout as a user would have it (tracked and untracked files, nothing ignored). */
function copyCheckout(to: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(removeTempDirs);

describe('a first install where the Electron download fails', () => {
  let start: ChildProcess | null = null;
  afterAll(() => {
    if (start?.exitCode === null) start.kill('SIGKILL');
  });

  it('npm install succeeds, npm start says why in one line and serves headless, and its server ends with it', async () => {
    const home = tempDir('pitwall-install-home-');
    const app = tempDir('pitwall-install-app-');
    copyCheckout(app);
    const env = offlineEnv(home);

    // The npm cache is the machine's (the packages themselves come from the registry as usual).
    const install = spawnSync('npm', ['ci', '--prefer-offline'], app, env);
    expect(install.code, install.output).toBe(0);
    expect(fs.existsSync(path.join(app, 'node_modules', 'electron', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', 'electron', 'dist'))).toBe(false);

    let output = '';
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--data-dir', path.join(home, 'data')], { cwd: app, env: { ...env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    start = child;
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const url = await until(() => /Pitwall listening on (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(output), 'the headless shell to print its link', 600_000, () => output);
    const notice = output.split('\n').filter((line) => line.startsWith('Electron is not available'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain('ECONNREFUSED');
    expect(notice[0]).toMatch(/starting the headless shell instead\. For the desktop app, run npm start again/);
    expect(output).not.toMatch(/^\s+at /m);

    const page = await fetch(`${url[1]}/`);
    expect(page.status).toBe(200);
    const info = await fetch(`${url[1]}/rpc/app:info`, { method: 'POST', headers: { authorization: `Bearer ${url[2]}`, 'content-type': 'application/json' }, body: '{}' });
    expect(await info.json()).toMatchObject({ ok: true, value: { shell: 'headless' } });

    // Killing `npm start` outright leaves nothing serving.
    const servers = execFileSync('pgrep', ['-f', `${app}/out/main/serve.js`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    expect(servers.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await until(() => servers.every((pid) => !alive(pid)), 'the headless shell to end with npm start', 15_000);
    await expect(fetch(`${url[1]}/`)).rejects.toThrow();
  });
});

function spawnSync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number | null; output: string } {
  try {
    const output = execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status: number | null; stdout?: string; stderr?: string };
    return { code: e.status, output: `${e.stdout ?? ''}\n${e.stderr ?? ''}` };
  }
}
