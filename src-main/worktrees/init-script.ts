import { spawn } from 'node:child_process';

/** What running a script produced. */
export interface ScriptResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * Runs `script` through the platform shell in `cwd`, keeping the last 64 KiB of interleaved
 * stdout/stderr. Kills it (and its process group) after `timeoutMs`, or when `signal` aborts.
 */
export function runScript(script: string, cwd: string, timeoutMs = 10 * 60_000, signal?: AbortSignal): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const isWindows = process.platform === 'win32';
    const child = spawn(isWindows ? 'cmd.exe' : '/bin/sh', isWindows ? ['/d', '/s', '/c', script] : ['-c', script], {
      cwd,
      env: process.env,
      detached: !isWindows,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > MAX_OUTPUT * 2) output = output.slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const kill = (): void => {
      try {
        if (!isWindows && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    if (signal?.aborted) kill();
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      const kept = output.length > MAX_OUTPUT ? `…(earlier output cut)\n${output.slice(-MAX_OUTPUT)}` : output;
      resolve({ exitCode, signal: exitSignal, output: kept, timedOut });
    };
    child.on('error', (error) => {
      append(Buffer.from(`${String(error)}\n`));
      finish(null, null);
    });
    child.on('close', finish);
  });
}
