import { createApp, type App } from './app';
import type { AppConfig } from './config';
import { newToken } from './http/auth';
import { startHttpServer, type RunningHttpServer } from './http/http-server';
import type { Disposable } from './lifecycle';

/** Options for {@link startHeadlessShell}. */
export interface HeadlessShellOptions {
  dataDir: string;
  migrationsDir: string;
  staticDir: string;
  port: number;
  token?: string | undefined;
  version: string;
  /** Overrides how the pty host starts (tests and benchmarks run it from source). */
  ptyHostLaunch?: AppConfig['ptyHostLaunch'];
}

/** The core served over HTTP + WebSocket on 127.0.0.1. */
export interface HeadlessShell extends Disposable {
  readonly app: App;
  readonly server: RunningHttpServer;
  readonly token: string;
}

/** Builds the core and serves it; `dispose` stops the server, then the core. */
export async function startHeadlessShell(options: HeadlessShellOptions): Promise<HeadlessShell> {
  const app = createApp({
    dataDir: options.dataDir,
    migrationsDir: options.migrationsDir,
    shell: 'headless',
    version: options.version,
    ...(options.ptyHostLaunch ? { ptyHostLaunch: options.ptyHostLaunch } : {}),
  });
  await app.ready;
  const token = options.token && options.token.length > 0 ? options.token : newToken();
  let server: RunningHttpServer;
  try {
    server = await startHttpServer({ router: app.router, events: app.events, token, port: options.port, staticDir: options.staticDir });
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
