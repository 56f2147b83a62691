import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import { makeRepo } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { serveCommand, startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

const ROOT = path.resolve(__dirname, '../..');
afterAll(removeTempDirs);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end in the repository root, with a private HOME. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const home = tempDir('pitwall-cli-home-');
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, HOME: home, PITWALL_PORT: '', PITWALL_TOKEN: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const node = (args: string[], env?: NodeJS.ProcessEnv) => run(process.execPath, args, env);

/** The command line `ps` shows for a process: what every user of the machine can read. */
async function psArgs(pid: number): Promise<string> {
  const result = await run('ps', ['-ww', '-o', 'args=', '-p', String(pid)]);
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

describe('the serve and start commands', () => {
  const entries: [string, string[]][] = [
    ['npm run serve (scripts/serve.mjs)', ['scripts/serve.mjs']],
    ['npm start (scripts/start.mjs)', ['scripts/start.mjs']],
    ['the headless shell entry (src-main/serve.ts)', serveCommand(true)],
  ];

  for (const [name, entry] of entries) {
    it(`${name}: --help prints the options and exits 0 without starting anything`, async () => {
      const dataDir = path.join(tempDir('pitwall-cli-'), 'data');
      for (const flag of ['--help', '-h']) {
        const result = await node([...entry, '--data-dir', dataDir, flag]);
        expect(result.code).toBe(0);
        for (const option of ['--port N', '--data-dir DIR', '--token-file FILE', '--token T', '--help', 'PITWALL_TOKEN']) expect(result.stdout).toContain(option);
        expect(result.stdout).toMatch(/--token T\s+The access token itself\. Every user of this machine can read it with `ps`/);
        expect(result.stdout).not.toMatch(/listening|Building/);
      }
      expect(fs.existsSync(dataDir)).toBe(false);
    });

    it(`${name}: an unknown option or a bad value is an error naming it (exit 2)`, async () => {
      const cases: [string[], NodeJS.ProcessEnv, string][] = [
        [['--bogus'], {}, 'Unknown option --bogus.'],
        [['--port', '4785', '-x'], {}, 'Unknown option -x.'],
        [['stray'], {}, 'Unexpected argument "stray"'],
        [['--port'], {}, '--port needs a value.'],
        [['--port', '70000'], {}, 'Invalid --port "70000"'],
        [['--port=-1'], {}, 'Invalid --port "-1"'],
        [['--port', '12ab'], {}, 'Invalid --port "12ab"'],
        [[], { PITWALL_PORT: 'eighty' }, 'Invalid PITWALL_PORT "eighty"'],
        [['--token', 'a-token-long-enough', '--token-file', '/tmp/x'], {}, 'Give --token or --token-file, not both.'],
        [['--help=yes'], {}, '--help takes no value.'],
      ];
      for (const [args, env, message] of cases) {
        const result = await node([...entry, ...args], env);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr, args.join(' ')).toContain(message);
        expect(result.stderr).toContain('Run with --help to see the options.');
        expect(result.stdout).not.toMatch(/listening|Building/);
      }
    });
  }

  it('npm run serve -- --help reaches the script through npm', async () => {
    const result = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'serve', '--', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run serve -- [options]');
  });
});

describe('the access token', () => {
  const started: ServeProcess[] = [];
  afterAll(async () => {
    for (const serve of started) await serve.stop();
  });

  async function serveWith(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
    const dataDir = tempDir('pitwall-token-data-');
    const serve = await startServeProcess(dataDir, args, { ...process.env, HOME: dataDir, PITWALL_TOKEN: '', ...env }, { fromSource: true });
    started.push(serve);
    return serve;
  }

  /** A worktree init script that prints its environment: what Pitwall hands the processes it starts. */
  async function environmentOfStartedProcesses(serve: ServeProcess): Promise<string> {
    const project = await rpc<Project>(serve, 'projects:add', { path: makeRepo() });
    await rpc(serve, 'projects:update', { id: project.id, config: { initScript: 'env' } });
    const worktree = await rpc<Worktree>(serve, 'worktrees:create', { projectId: project.id, branch: 'env-probe' });
    expect(worktree.initLog).toContain('HOME=');
    return worktree.initLog!;
  }

  it('is read from --token-file, works, and appears neither in ps nor in the processes Pitwall starts', async () => {
    const token = 'file-token-0123456789abcdef';
    const file = path.join(tempDir('pitwall-token-'), 'token');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const serve = await serveWith(['--token-file', file]);
    expect(serve.token).toBe(token);
    expect(serve.url).toBe(`http://127.0.0.1:${serve.port}/#token=${token}`);
    expect(await rpc<unknown[]>(serve, 'projects:list')).toEqual([]);
    const args = await psArgs(serve.child.pid!);
    expect(args).toContain('--token-file');
    expect(args).not.toContain(token);
    expect(await environmentOfStartedProcesses(serve)).not.toContain(token);
  });

  it('is read from PITWALL_TOKEN, works, and appears neither in ps nor in the processes Pitwall starts', async () => {
    const token = 'env-token-0123456789abcdef';
    const serve = await serveWith([], { PITWALL_TOKEN: token });
    expect(serve.token).toBe(token);
    expect(await rpc<unknown[]>(serve, 'projects:list')).toEqual([]);
    expect(await psArgs(serve.child.pid!)).not.toContain(token);
    const env = await environmentOfStartedProcesses(serve);
    expect(env).not.toContain(token);
    expect(env).not.toContain('PITWALL_TOKEN');
  });

  it('still takes --token, with a note that ps shows it', async () => {
    const token = 'flag-token-0123456789abcdef';
    const serve = await serveWith(['--token', token]);
    expect(serve.token).toBe(token);
    expect(await psArgs(serve.child.pid!)).toContain(token);
    expect(serve.output()).toContain('Note: --token is visible to every user of this machine in `ps`');
  });

  it('is refused from a file others can read or that is missing, and when it is too weak', async () => {
    const dir = tempDir('pitwall-token-');
    const write = (name: string, content: string, mode: number): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      fs.chmodSync(file, mode);
      return file;
    };
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--token-file', write('open', 'open-token-0123456789\n', 0o644)], {}, /is open to other users \(mode 0644\): run `chmod 600 .*open` and start again/],
      [['--token-file', write('group', 'group-token-0123456789\n', 0o640)], {}, /mode 0640/],
      [['--token-file', path.join(dir, 'missing')], {}, /Token file .*missing does not exist/],
      [['--token-file', write('empty', '\n', 0o600)], {}, /is empty/],
      [['--token-file', write('short', 'abc\n', 0o600)], {}, /too short: give at least 16 characters/],
      [['--token-file', dir], {}, /is not a regular file/],
      [['--token', 'short'], {}, /The token from --token is too short/],
      [[], { PITWALL_TOKEN: 'has spaces in it 0123456789' }, /The token from PITWALL_TOKEN has characters a browser cannot carry/],
    ];
    for (const [args, env, message] of cases) {
      const result = await node([...serveCommand(true), '--port', '0', '--data-dir', path.join(dir, 'data'), ...args], env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout).not.toContain('listening');
    }
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});
