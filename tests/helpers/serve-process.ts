import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The built headless shell entry (`electron-vite build` makes it). */
export const SERVE_ENTRY = path.resolve(__dirname, '../../out/main/serve.js');
/** The headless shell's source entry, run through tsx where the build may not exist yet (integration tests). */
export const SERVE_SOURCE = path.resolve(__dirname, '../../src-main/serve.ts');

/** How to run the shell: the built entry (e2e, benchmarks) or its source through tsx. */
export function serveCommand(fromSource = false): string[] {
  return fromSource ? ['--import', 'tsx', SERVE_SOURCE] : [SERVE_ENTRY];
}

/** A headless shell running as its own process, as a user starts it. */
export interface ServeProcess {
  /** The printed link, `http://127.0.0.1:<port>/#token=<token>`. */
  url: string;
  /** `http://127.0.0.1:<port>`, without the token. */
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node out/main/serve.js --port 0 --data-dir <dataDir>` (or its source with `fromSource`)
 * and waits for its URL line.
 */
// The default HOME is the data dir, so the served core watches transcripts there, never in the real home.
export function startServeProcess(
  dataDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = { ...process.env, HOME: dataDir },
  { fromSource = false }: { fromSource?: boolean } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...serveCommand(fromSource), '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its URL within 30 s; output:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Pitwall listening on (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9._~-]+))\s/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        origin: `http://127.0.0.1:${match[2]}`,
        port: Number(match[2]),
        token: match[3]!,
        child,
        output: () => output,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL; output:\n${output}`));
    });
  });
}
