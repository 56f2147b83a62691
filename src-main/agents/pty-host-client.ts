import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Disposable } from '../lifecycle';
import { FrameDecoder, encodeFrame, type HostMessage, type HostRequest, type HostSession, type SpawnSpec } from './pty-host/protocol';

/** How to start the pty host process. */
export interface PtyHostLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Where the host listens: a Unix socket in the data dir (a named pipe on Windows). */
export function ptyHostSocketPath(dataDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\pitwall-pty-${crypto.createHash('sha1').update(dataDir).digest('hex').slice(0, 12)}`;
  }
  const inDataDir = path.join(dataDir, 'run', 'pty-host.sock');
  // Unix socket paths are limited to about 100 bytes; long data dirs fall back to the temp dir.
  if (Buffer.byteLength(inDataDir) < 100) return inDataDir;
  return path.join(os.tmpdir(), `pitwall-pty-${crypto.createHash('sha1').update(dataDir).digest('hex').slice(0, 12)}.sock`);
}

type OutputListener = (sessionId: string, offset: number, data: Buffer) => void;
type ExitListener = (sessionId: string, exitCode: number | null, signal: number | null) => void;

type RequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The core's connection to the pty host; starts the host when none is listening. */
export class PtyHostClient implements Disposable {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: { value: unknown; body: Buffer }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly outputListeners = new Set<OutputListener>();
  private readonly exitListeners = new Set<ExitListener>();
  private readonly disconnectListeners = new Set<() => void>();
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

  /** True when a host answers on the socket (without starting one). */
  isListening(): Promise<boolean> {
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
    const socket = await this.connect();
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
    let socket = await this.tryConnect();
    if (!socket) {
      await this.startHost();
      socket = await this.tryConnect();
      if (!socket) throw new Error(`pty host did not listen on ${this.socketPath}`);
    }
    this.attach(socket);
    return socket;
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
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    if (process.platform !== 'win32') fs.mkdirSync(path.dirname(this.socketPath), { recursive: true });
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(this.launch.command, this.launch.args, {
      detached: true,
      stdio: ['ignore', 'pipe', log],
      env: { ...process.env, ...this.launch.env },
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
    }
  }

  /** Disconnects; the host and its sessions keep running. */
  dispose(): void {
    this.disposed = true;
    this.socket?.destroy();
    this.socket = null;
  }
}
