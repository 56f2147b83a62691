import { execFile } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { AppError } from '../../src-common/result';

/** A simple-git instance rooted at `cwd`, with a block timeout so a hung git never hangs the core. */
export function gitAt(cwd: string, env?: Record<string, string>): SimpleGit {
  const git = simpleGit({
    baseDir: cwd,
    maxConcurrentProcesses: 4,
    timeout: { block: 120_000 },
    // simple-git only fails on a non-zero exit when git also wrote to stderr; probes such as
    // `rev-parse --verify --quiet` fail silently, so every non-zero exit is an error here.
    errors(error, result) {
      if (error) return error;
      if (result.exitCode === 0) return undefined;
      const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
      return Buffer.from(stderr.length > 0 ? stderr : `exited with code ${result.exitCode}`);
    },
    // The environment is the user's own (their editor, ssh command, askpass, proxy), so it is
    // trusted; what simple-git guards against is in the arguments, and those Pitwall builds and
    // validates itself (branch names checked, paths after `--`). Pack and hook overrides stay blocked.
    unsafe: {
      allowUnsafeEditor: true,
      allowUnsafeAskPass: true,
      allowUnsafeSshCommand: true,
      allowUnsafePager: true,
      allowUnsafeGitProxy: true,
      allowUnsafeConfigEnvCount: true,
      allowUnsafeTemplateDir: true,
      allowUnsafeConfigPaths: true,
    },
  });
  // Never let git stop to ask for credentials in a GUI app.
  return git.env({ ...process.env, GIT_TERMINAL_PROMPT: '0', ...env } as Record<string, string>);
}

/** Runs a git command and returns trimmed stdout; failures become `git_failed` with git's own message. */
export async function gitRaw(cwd: string, args: string[], env?: Record<string, string>): Promise<string> {
  try {
    return (await gitAt(cwd, env).raw(args)).trim();
  } catch (error) {
    throw toGitError(args, error);
  }
}

/** Like {@link gitRaw} but keeps the output exactly (a diff's last context line may be blank). */
export async function gitOutput(cwd: string, args: string[], env?: Record<string, string>): Promise<string> {
  try {
    return await gitAt(cwd, env).raw(args);
  } catch (error) {
    throw toGitError(args, error);
  }
}

/**
 * Like {@link gitRaw} but answers null instead of throwing (for probes such as "does this ref exist").
 * Probes leave out `--quiet`: simple-git waits 50 ms more after a command that printed nothing, so a
 * silent "no" cost 50 ms where git's message on stderr costs nothing.
 */
export async function gitProbe(cwd: string, args: string[]): Promise<string | null> {
  try {
    return (await gitAt(cwd).raw(args)).trim();
  } catch {
    return null;
  }
}

/** Lines git prints around a refusal that say nothing about its reason. */
const NOISE = [/^hint:/, /^Aborting$/, /^Please (move or remove|commit your changes or stash) them/, /^Updating [0-9a-f]+\.\.[0-9a-f]+$/, /^Merge with strategy \S+ failed\.?$/, /^exited with code \d+$/];

/**
 * The reason in git's failure output, in one line: its `error:`/`fatal:` lines (else the first line
 * that is not progress or advice), with the files git lists under them, by name.
 */
export function gitFailureReason(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, ''));
  const reasons: string[] = [];
  let current: { text: string; files: string[] } | null = null;
  const flush = (): void => {
    if (current) reasons.push(current.files.length > 0 ? `${current.text.replace(/:$/, '')}: ${current.files.join(', ')}` : current.text);
    current = null;
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (current && /^\t/.test(raw) && line) {
      current.files.push(line);
      continue;
    }
    const said = /^(error|fatal): (.*)$/.exec(line);
    if (said) {
      flush();
      current = { text: said[2]!, files: [] };
    } else flush();
  }
  flush();
  const unique = [...new Set(reasons)];
  if (unique.length > 0) return unique.join('; ');
  return lines.map((l) => l.trim()).find((l) => l.length > 0 && !NOISE.some((re) => re.test(l))) ?? output.trim();
}

/** Maps a simple-git failure to an AppError carrying git's reason (and the files it names). */
export function toGitError(args: string[], error: unknown): AppError {
  const raw = error instanceof Error ? error.message : String(error);
  return new AppError('git_failed', `git ${args[0] ?? ''} failed: ${gitFailureReason(raw)}`);
}

/** Runs git and answers its stdout as bytes (names in `-z` output need not be UTF-8); a failure becomes `git_failed` with git's reason. */
export function gitBytes(cwd: string, args: string[], env?: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env }, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(toGitError(args, new Error(`${stderr.toString('utf8')}\n${error.message}`)));
        else resolve(stdout);
      },
    );
  });
}

/** Runs git (with `input` on stdin) and answers its exit code with stdout and stderr, for commands whose failure output is on stdout (merge-tree). */
export function gitExec(cwd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    // Paths on stdin (NUL-separated) need no quoting and no length limit.
    if (input !== undefined) child.stdin?.end(input);
  });
}
