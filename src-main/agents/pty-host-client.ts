import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HookCall, HookDelivery, HookVerdict } from '../approvals/hook-call';
import type { Disposable } from '../lifecycle';
import { NotPrivateError, ensurePrivateDir, openPrivateFile, verifyPrivateDir } from '../private-files';
import { keptCallsFile } from './pty-host/hook-gateway';
import { FrameDecoder, encodeFrame, type HelloReply, type HostMessage, type HostRequest, type HostSession, type SpawnSpec } from './pty-host/protocol';

/** How to start the pty host process. */
export interface PtyHostLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const SOCKET_PATH_LIMIT = 100;

/**
 * Where the host listens: `<data dir>/run/pty-host.sock` (a named pipe on Windows). Unix socket
 * paths are limited to about 100 bytes, so a long data dir puts the socket in a private folder
 * instead: `$XDG_RUNTIME_DIR/pitwall/`, else a per-user `pitwall-<uid>` folder in the temp dir.
 * Either folder is created 0700 and checked (ours, not a symlink) before the socket is trusted.
 */
export function ptyHostSocketPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = crypto.createHash('sha1').update(dataDir).digest('hex').slice(0, 12);
  if (process.platform === 'win32') return `\\\\.\\pipe\\pitwall-pty-${hash}`;
  const fits = (p: string): boolean => Buffer.byteLength(p) < SOCKET_PATH_LIMIT;
  const inDataDir = path.join(dataDir, 'run', 'pty-host.sock');
  if (fits(inDataDir)) return inDataDir;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && path.isAbsolute(runtime)) {
    const inRuntime = path.join(runtime, 'pitwall', `pty-${hash}.sock`);
    if (fits(inRuntime)) return inRuntime;
  }
  const folder = `pitwall-${typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username}`;
  const inTemp = path.join(os.tmpdir(), folder, `pty-${hash}.sock`);
  return fits(inTemp) ? inTemp : path.join('/tmp', folder, `pty-${hash}.sock`);
}

/**
 * Refuses a host socket that is not Pitwall's own: its folder must be a private folder of this
 * user (not a symlink), and the socket, if there, a socket owned by this user. Checked before
 * every connection, so a spawn request (with its prompt and hook secret) never reaches a squatter.
 */
export function checkHostSocket(socketPath: string): void {
  if (process.platform === 'win32') return;
  try {
    verifyPrivateDir(path.dirname(socketPath), 'folder of the terminal host socket');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new NotPrivateError(`${socketPath} is not a socket; Pitwall refuses to use it as its terminal host (remove it and try again)`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (stat.uid !== uid) throw new NotPrivateError(`The terminal host socket ${socketPath} belongs to another user (uid ${stat.uid}, you are ${uid}); Pitwall refuses to connect to it`);
}

/** What of the core's environment the pty host may see: enough to run, none of the core's keys or tokens. */
const HOST_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'SystemRoot', 'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'COMSPEC', 'PATHEXT', 'USERPROFILE'];

/** The pty host's environment: the few variables it needs plus the launch's own (agents get theirs in each spawn request). */
export function hostEnvironment(source: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of HOST_ENV) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

type OutputListener = (sessionId: string, offset: number, data: Buffer) => void;
type ExitListener = (sessionId: string, exitCode: number | null, signal: number | null) => void;
/** Told of each hook call the host relays (and, on connecting, of those that waited for a core). */
export type HookCallListener = (call: HookCall, delivery: HookDelivery) => void;

type RequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The core's connection to the pty host; starts the host when none is listening. Each connection
 * starts with `hello`, which makes this core the one the host asks about hook calls and hands it
 * the calls that waited for a core, before anything else is sent.
 */
export class PtyHostClient implements Disposable {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: { value: unknown; body: Buffer }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly outputListeners = new Set<OutputListener>();
  private readonly exitListeners = new Set<ExitListener>();
  private readonly disconnectListeners = new Set<() => void>();
  private readonly hookListeners = new Set<HookCallListener>();
  private readonly hookGoneListeners = new Set<(callId: string) => void>();
  private readonly hookLostListeners = new Set<(count: number) => void>();
  private hello: HelloReply | null = null;
  private disposed = false;

  constructor(
    private readonly socketPath: string,
    private readonly launch: PtyHostLaunch,
    private readonly logFile: string,
  ) {}

  onOutput(listener: OutputListener): Disposable {
    this.outputListeners.add(listener);
    return { dispose: () => void this.outputListeners.delete(listener) };
  }

  onExit(listener: ExitListener): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => void this.exitListeners.delete(listener) };
  }

  onDisconnect(listener: () => void): Disposable {
    this.disconnectListeners.add(listener);
    return { dispose: () => void this.disconnectListeners.delete(listener) };
  }

  onHookCall(listener: HookCallListener): Disposable {
    this.hookListeners.add(listener);
    return { dispose: () => void this.hookListeners.delete(listener) };
  }

  /** A `pre-tool` call this core was asked about ended before an answer (the agent stopped waiting). */
  onHookGone(listener: (callId: string) => void): Disposable {
    this.hookGoneListeners.add(listener);
    return { dispose: () => void this.hookGoneListeners.delete(listener) };
  }

  /** Recorded hook calls the host had to drop while no core was connected. */
  onHookLost(listener: (count: number) => void): Disposable {
    this.hookLostListeners.add(listener);
    return { dispose: () => void this.hookLostListeners.delete(listener) };
  }

  /** The verdict on a `pre-tool` call, or (null) the acknowledgement that a recorded call is recorded. */
  async answerHook(callId: string, verdict: HookVerdict | null): Promise<void> {
    await this.request({ type: 'hook-answer', callId, verdict });
  }

  /** Base URL of the host's hook endpoint (connects, starting the host if needed). */
  async hookUrl(): Promise<string> {
    await this.connect();
    return this.hello!.hookUrl;
  }

  /** The host's process id, once connected. */
  hostPid(): number | null {
    return this.hello?.pid ?? null;
  }

  spawn(spec: SpawnSpec): Promise<HostSession> {
    return this.request({ type: 'spawn', spec }) as Promise<HostSession>;
  }

  input(sessionId: string, data: string): Promise<void> {
    return this.request({ type: 'input', sessionId, data }) as Promise<void>;
  }

  resize(sessionId: string, cols: number, rows: number): Promise<void> {
    return this.request({ type: 'resize', sessionId, cols, rows }) as Promise<void>;
  }

  kill(sessionId: string, graceMs = 3000): Promise<void> {
    return this.request({ type: 'kill', sessionId, graceMs }) as Promise<void>;
  }

  list(): Promise<HostSession[]> {
    return this.request({ type: 'list' }) as Promise<HostSession[]>;
  }

  /** Stops (or starts again) reading a session's pty: a client fell behind (or caught up) on its output. */
  flow(sessionId: string, paused: boolean): Promise<void> {
    // A core shutting down has nothing left to pause or resume (its clients are going too).
    if (this.disposed) return Promise.resolve();
    return this.request({ type: 'flow', sessionId, paused }) as Promise<void>;
  }

  forget(sessionId: string): Promise<void> {
    return this.request({ type: 'forget', sessionId }) as Promise<void>;
  }

  /** The kept scrollback and the stream offset it ends at. */
  async replay(sessionId: string): Promise<{ data: Buffer; bytes: number }> {
    const { value, body } = await this.requestWithBody({ type: 'replay', sessionId });
    return { data: body, bytes: (value as { bytes: number }).bytes };
  }

  /** Asks the host to stop every session and exit. */
  async shutdown(): Promise<void> {
    if (!(await this.isListening())) return;
    await this.request({ type: 'shutdown' });
  }

  /** True when an earlier host left hook calls no core has taken yet (a new host hands them over). */
  hasKeptHookCalls(): boolean {
    return process.platform !== 'win32' && fs.existsSync(keptCallsFile(this.socketPath));
  }

  /** True when a host answers on the socket (without starting one); throws when the socket is not Pitwall's. */
  async isListening(): Promise<boolean> {
    checkHostSocket(this.socketPath);
    return new Promise((resolve) => {
      const probe = net.connect(this.socketPath);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
  }

  private async request(body: RequestBody): Promise<unknown> {
    return (await this.requestWithBody(body)).value;
  }

  private async requestWithBody(body: RequestBody): Promise<{ value: unknown; body: Buffer }> {
    return this.exchange(await this.connect(), body);
  }

  private exchange(socket: net.Socket, body: RequestBody): Promise<{ value: unknown; body: Buffer }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`pty host did not answer ${body.type} within 15 s`));
      }, 15_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.write(encodeFrame({ ...body, id }));
    });
  }

  /** Connects, starting the host first when nothing listens. */
  connect(): Promise<net.Socket> {
    if (this.disposed) return Promise.reject(new Error('pty host client is disposed'));
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<net.Socket> {
    checkHostSocket(this.socketPath);
    let socket = await this.tryConnect();
    if (!socket) {
      await this.startHost();
      checkHostSocket(this.socketPath);
      socket = await this.tryConnect();
      if (!socket) throw new Error(`pty host did not listen on ${this.socketPath}`);
    }
    this.attach(socket);
    const hello = (await this.exchange(socket, { type: 'hello' })).value as HelloReply;
    this.hello = hello;
    if (hello.lost > 0) for (const l of this.hookLostListeners) l(hello.lost);
    for (const { call, delivery } of hello.calls) this.emitHook(call, delivery);
    return socket;
  }

  private emitHook(call: HookCall, delivery: HookDelivery): void {
    for (const l of this.hookListeners) l(call, delivery);
  }

  private tryConnect(): Promise<net.Socket | null> {
    return new Promise((resolve) => {
      const socket = net.connect(this.socketPath);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', () => resolve(null));
    });
  }

  private async startHost(): Promise<void> {
    ensurePrivateDir(path.dirname(this.logFile));
    if (process.platform !== 'win32') ensurePrivateDir(path.dirname(this.socketPath), 'folder of the terminal host socket');
    const log = openPrivateFile(this.logFile);
    const child = spawn(this.launch.command, this.launch.args, {
      detached: true,
      stdio: ['ignore', 'pipe', log],
      env: hostEnvironment(process.env, this.launch.env),
    });
    fs.closeSync(log);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('pty host did not start within 20 s (see pty-host.log)')), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('pty-host ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pty host exited with ${code} at start (see ${this.logFile})`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // The host lives on by itself; it must not keep this process alive or die with it.
    child.stdout!.destroy();
    child.removeAllListeners('exit');
    child.unref();
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    this.hello = null;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) this.dispatch(frame.header as HostMessage, frame.body);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error('pty host connection closed'));
        this.pending.delete(id);
      }
      if (!this.disposed) for (const l of this.disconnectListeners) l();
    });
    socket.on('error', () => undefined);
  }

  private dispatch(message: HostMessage, body: Buffer): void {
    if (message.type === 'reply') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.ok) p.resolve({ value: message.value, body });
      else p.reject(new Error(message.error));
    } else if (message.type === 'output') {
      for (const l of this.outputListeners) l(message.sessionId, message.offset, body);
    } else if (message.type === 'exit') {
      for (const l of this.exitListeners) l(message.sessionId, message.exitCode, message.signal);
    } else if (message.type === 'hook') {
      this.emitHook(message.call, message.delivery);
    } else if (message.type === 'hook-gone') {
      for (const l of this.hookGoneListeners) l(message.callId);
    }
  }

  /** Disconnects; the host and its sessions keep running. */
  dispose(): void {
    this.disposed = true;
    this.socket?.destroy();
    this.socket = null;
  }
}
