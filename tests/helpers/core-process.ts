import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Result } from '../../src-common/result';

/** A core running in its own process (see core-child.ts). */
export interface CoreProcess {
  child: ChildProcess;
  dispatch(channel: string, request: unknown): Promise<Result<unknown>>;
  /** Kills it with SIGKILL, as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
  /** What it wrote to stderr so far (its log). */
  stderr(): string;
}

/** Starts a core over `dataDir` in a child process with `env` (the agents' base environment too); resolves once it is ready. `group`: kill its whole process group. */
export function startCoreProcess(dataDir: string, env: NodeJS.ProcessEnv, options: { group?: boolean } = {}): Promise<CoreProcess> {
  // In a group of its own, `kill` takes whatever the core started too (git, hooks, verify commands), as
  // a crash of the app does; the pty host is started in its own session and survives, as it should.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'core-child.ts'), dataDir], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: options.group ?? false });
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let buffered = '';
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the core process did not start within 30 s:\n${errors}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the core process exited with ${code} before it was ready:\n${errors}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let message: { ready?: boolean; id?: number; result?: Result<unknown> };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          continue;
        }
        if (message.ready) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({
            child,
            stderr: () => errors,
            dispatch(channel, request) {
              const id = nextId++;
              return new Promise((done) => {
                waiting.set(id, done);
                child.stdin!.write(`${JSON.stringify({ id, channel, request })}\n`);
              });
            },
            kill: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null || child.signalCode !== null) return done();
                child.once('exit', () => done());
                if (options.group) process.kill(-child.pid!, 'SIGKILL');
                else child.kill('SIGKILL');
              }),
          });
        } else if (message.id !== undefined && message.result) {
          waiting.get(message.id)?.(message.result);
          waiting.delete(message.id);
        }
      }
    });
  });
}
