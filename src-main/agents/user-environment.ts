import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { EnvironmentSummary } from '../../src-common/domain/agent';

/** The user's environment as agents get it, and where it came from. */
export interface ResolvedEnvironment {
  env: Record<string, string>;
  /** The login shell that was asked, or null when none was (Windows, or no shell known). */
  shell: string | null;
  /** `login-shell`: the shell answered; `process`: Pitwall's own environment, cleaned, stood in. */
  source: 'login-shell' | 'process';
  /** Why the login shell's environment is not used (it failed, timed out), or null. */
  problem: string | null;
}

/** How {@link UserEnvironment} asks. Defaults are this process's. */
export interface UserEnvironmentOptions {
  /** The environment Pitwall runs in: what the login shell starts from, and the fallback. */
  baseEnv?: NodeJS.ProcessEnv;
  /** The login shell; defaults to `$SHELL`, then the account's shell. */
  shell?: string | undefined;
  /** Pitwall's own folder: its `node_modules/.bin` (and its parents') never reach an agent's PATH. */
  appRoot?: string | undefined;
  /** PATH entries searched after the login shell's (default: Pitwall's own PATH, cleaned). */
  extraPath?: string | undefined;
  /** How long the login shell may take (VS Code gives it 10 s too). */
  timeoutMs?: number;
  /** A Node runtime to print the environment with: this one (Electron runs as Node for it). */
  runtime?: string;
  platform?: NodeJS.Platform;
}

/** Variables Pitwall's own launchers put into its environment, which say nothing about the user. */
const LAUNCHER_VARIABLES = /^(npm_|ELECTRON_|PITWALL_)/;
/** Set by `npm run` (besides npm_*): removed when Pitwall was started by npm. */
const NPM_RUN_VARIABLES = ['INIT_CWD', 'NODE', 'COLOR'];
/** Set by the shell that printed the environment, about itself: stale in an agent's terminal. */
const SHELL_STATE = ['_', 'PWD', 'OLDPWD', 'SHLVL'];

/**
 * Removes Pitwall's own variables from an environment: Electron's, the token and every other
 * `PITWALL_*`, npm's (`npm_*`, and `INIT_CWD`, `NODE`, `COLOR`, `EDITOR=vi` when npm set them),
 * the printing shell's own state, and Pitwall's `node_modules/.bin` folders on PATH.
 */
export function withoutPitwallVariables(env: NodeJS.ProcessEnv, appRoot: string | undefined, delimiter: string = path.delimiter): Record<string, string> {
  const underNpm = env.npm_lifecycle_event !== undefined || env.npm_execpath !== undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || LAUNCHER_VARIABLES.test(key) || SHELL_STATE.includes(key)) continue;
    if (underNpm && (NPM_RUN_VARIABLES.includes(key) || (key === 'EDITOR' && value === 'vi'))) continue;
    out[key] = value;
  }
  const pathKey = Object.keys(out).find((k) => k.toUpperCase() === 'PATH');
  if (pathKey) out[pathKey] = withoutPitwallPath(out[pathKey]!, appRoot, delimiter);
  return out;
}

/**
 * A PATH without what `npm run` put in front of it for Pitwall: `node_modules/.bin` of Pitwall's
 * folder and of each folder above it, and npm's node-gyp shim. Otherwise `npm start` would make
 * agents run the repository's pinned devDependency instead of the CLI the user installed.
 */
export function withoutPitwallPath(value: string, appRoot: string | undefined, delimiter: string = path.delimiter): string {
  const ours = new Set<string>();
  if (appRoot) {
    for (let dir = path.resolve(appRoot); ; dir = path.dirname(dir)) {
      ours.add(path.join(dir, 'node_modules', '.bin'));
      if (path.dirname(dir) === dir) break;
    }
  }
  const kept = value
    .split(delimiter)
    .filter((entry) => entry.length > 0)
    .filter((entry) => !ours.has(path.resolve(entry)) && !/[\\/]@npmcli[\\/]run-script[\\/]lib[\\/]node-gyp-bin$/.test(entry));
  return [...new Set(kept)].join(delimiter);
}

/** `first`, then the entries of `then` it lacks. */
function mergePath(first: string, then: string, delimiter: string): string {
  return [...new Set([...first.split(delimiter), ...then.split(delimiter)].filter(Boolean))].join(delimiter);
}

/** The environment an agent starts with: the user's, a capable terminal, then the profile's own variables. */
export function agentEnvironment(user: Record<string, string>, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...user, TERM: 'xterm-256color', COLORTERM: 'truecolor' };
  env.LANG ??= 'C.UTF-8';
  return { ...env, ...overrides };
}

/** The command line that makes `shell` print its environment between two marks, as JSON. */
export function printEnvironmentCommand(shell: string, runtime: string, mark: string): { args: string[] } | null {
  // Single quotes hold the runtime's path in every shell below; a path with one cannot be quoted the same way everywhere.
  if (runtime.includes("'")) return null;
  const script = `'"${mark}" + JSON.stringify(process.env) + "${mark}"'`;
  const name = path.basename(shell).replace(/\.exe$/i, '');
  if (name === 'tcsh' || name === 'csh') return { args: ['-i', '-c', `'${runtime}' -p ${script}`] };
  if (name === 'nu') return { args: ['-i', '-l', '-c', `^'${runtime}' -p ${script}`] };
  // sh, bash, zsh, ksh, dash and fish: fish keeps PATH as a list but exports it joined with ':', as the others do.
  return { args: ['-i', '-l', '-c', `'${runtime}' -p ${script}`] };
}

/**
 * The user's environment, as their login shell builds it (the way VS Code resolves it for its
 * terminals): asked once, with a timeout, and cleaned of Pitwall's own variables. A desktop app
 * started from a dock or menu does not inherit what ~/.zprofile, ~/.bashrc or config.fish
 * export: API keys, proxies, `NODE_EXTRA_CA_CERTS`, `CLAUDE_CONFIG_DIR`, the PATH to the CLIs.
 */
export class UserEnvironment {
  private value: Promise<ResolvedEnvironment> | null = null;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;
  private readonly delimiter: string;

  constructor(private readonly options: UserEnvironmentOptions = {}) {
    this.baseEnv = options.baseEnv ?? process.env;
    this.platform = options.platform ?? process.platform;
    this.delimiter = this.platform === 'win32' ? ';' : ':';
  }

  /** The resolved environment (the login shell is asked on the first call only). */
  get(): Promise<ResolvedEnvironment> {
    this.value ??= this.resolve();
    return this.value;
  }

  /** Asks the login shell again (after the user changed their shell profile). */
  refresh(): Promise<ResolvedEnvironment> {
    this.value = this.resolve();
    return this.value;
  }

  /** The names of the variables agents start with (before a profile's own), never their values. */
  async summary(refresh = false): Promise<EnvironmentSummary> {
    const resolved = await (refresh ? this.refresh() : this.get());
    return { shell: resolved.shell, source: resolved.source, problem: resolved.problem, keys: Object.keys(agentEnvironment(resolved.env)).sort() };
  }

  /** The PATH agents search. */
  async path(): Promise<string> {
    return (await this.get()).env.PATH ?? '';
  }

  /** What an agent of a profile starts with: the user's environment, then the profile's variables. */
  async forAgent(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
    return agentEnvironment((await this.get()).env, overrides);
  }

  private shell(): string | null {
    if (this.options.shell !== undefined) return this.options.shell || null;
    if (this.baseEnv.SHELL) return this.baseEnv.SHELL;
    try {
      return os.userInfo().shell || null;
    } catch {
      return null;
    }
  }

  private async resolve(): Promise<ResolvedEnvironment> {
    const appRoot = this.options.appRoot;
    const own = withoutPitwallVariables(this.baseEnv, appRoot, this.delimiter);
    const extraPath = withoutPitwallPath(this.options.extraPath ?? own.PATH ?? '', appRoot, this.delimiter);
    const finish = (env: Record<string, string>, rest: Omit<ResolvedEnvironment, 'env'>): ResolvedEnvironment => ({
      env: { ...env, PATH: mergePath(env.PATH ?? '', extraPath, this.delimiter) },
      ...rest,
    });
    const shell = this.platform === 'win32' ? null : this.shell();
    if (!shell) return finish(own, { shell: null, source: 'process', problem: null });
    try {
      const printed = await this.ask(shell, own);
      return finish(withoutPitwallVariables(printed, appRoot, this.delimiter), { shell, source: 'login-shell', problem: null });
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      console.error(`[environment] ${problem}`);
      return finish(own, { shell, source: 'process', problem });
    }
  }

  /** Runs `shell` as an interactive login shell that prints its environment, and parses what it printed. */
  private ask(shell: string, start: Record<string, string>): Promise<NodeJS.ProcessEnv> {
    const runtime = this.options.runtime ?? process.execPath;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const mark = randomBytes(8).toString('hex');
    const command = printEnvironmentCommand(shell, runtime, mark);
    if (!command) return Promise.reject(new Error(`Pitwall's path (${runtime}) has a quote in it, so your login shell could not be asked for its environment`));
    return new Promise((resolve, reject) => {
      // Detached: the interactive shell gets no terminal to take over, and its whole group can be killed.
      const child = spawn(shell, command.args, {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: start.HOME && path.isAbsolute(start.HOME) ? start.HOME : undefined,
        // Electron prints the environment as Node; rc files can tell they are being asked (as with VS Code's variable).
        env: { ...start, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ATTACH_CONSOLE: '1', PITWALL_RESOLVING_ENVIRONMENT: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      const timer = setTimeout(() => {
        killGroup(child.pid);
        reject(new Error(`Your login shell (${shell}) did not print its environment within ${Math.round(timeoutMs / 1000)} s; agents get Pitwall's own environment instead. Check your shell profile for something that waits for input.`));
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Your login shell (${shell}) could not be started: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const match = new RegExp(`${mark}(\\{.*\\})${mark}`, 's').exec(stdout);
        if (!match) {
          const why = signal ? `ended by ${signal}` : `exited with ${code}`;
          const said = stderr.trim().split('\n').filter((l) => !/job control|terminal process group|ioctl/.test(l)).slice(-1)[0];
          return reject(new Error(`Your login shell (${shell}) ${why} without printing its environment${said ? `: ${said}` : ''}`));
        }
        try {
          const parsed = JSON.parse(match[1]!) as Record<string, unknown>;
          const env: NodeJS.ProcessEnv = {};
          for (const [key, v] of Object.entries(parsed)) if (typeof v === 'string') env[key] = v;
          resolve(env);
        } catch (error) {
          reject(new Error(`Your login shell (${shell}) printed an environment Pitwall could not read: ${(error as Error).message}`));
        }
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
