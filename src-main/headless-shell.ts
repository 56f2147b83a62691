import { createApp, type App } from './app';
import type { AppConfig } from './config';
import { newToken } from './http/auth';
import { tokenProblem } from './http/token-source';
import { startHttpServer, type RunningHttpServer } from './http/http-server';
import type { Disposable } from './lifecycle';

/** Options for {@link startHeadlessShell}. */
export interface HeadlessShellOptions {
  dataDir: string;
  migrationsDir: string;
  staticDir: string;
  port: number;
  /** The access token (16-512 of A-Z a-z 0-9 . _ ~ -); a random one when absent. */
  token?: string | undefined;
  version: string;
  /** Overrides how the pty host starts (tests and benchmarks run it from source). */
  ptyHostLaunch?: AppConfig['ptyHostLaunch'];
  /** Overrides the watched transcript folders (tests keep the real home out of it). */
  transcriptRoots?: AppConfig['transcriptRoots'];
}

/** The core served over HTTP + WebSocket on 127.0.0.1. */
export interface HeadlessShell extends Disposable {
  readonly app: App;
  readonly server: RunningHttpServer;
  readonly token: string;
}

/** Builds the core and serves it; `dispose` stops the server, then the core. */
export async function startHeadlessShell(options: HeadlessShellOptions): Promise<HeadlessShell> {
  const given = options.token && options.token.length > 0 ? options.token : undefined;
  const problem = given === undefined ? null : tokenProblem(given, 'the options');
  if (problem) throw new Error(problem);
  const app = createApp({
    dataDir: options.dataDir,
    migrationsDir: options.migrationsDir,
    shell: 'headless',
    version: options.version,
    ...(options.ptyHostLaunch ? { ptyHostLaunch: options.ptyHostLaunch } : {}),
    ...(options.transcriptRoots ? { transcriptRoots: options.transcriptRoots } : {}),
  });
  await app.ready;
  const token = given ?? newToken();
  let server: RunningHttpServer;
  try {
    server = await startHttpServer({ router: app.router, events: app.events, outputFlow: app.outputFlow, token, port: options.port, staticDir: options.staticDir });
  } catch (error) {
    await app.dispose();
    throw error;
  }
  return {
    app,
    server,
    token,
    async dispose() {
      await server.dispose();
      await app.dispose();
    },
  };
}
