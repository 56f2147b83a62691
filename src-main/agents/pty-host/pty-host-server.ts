import fs from 'node:fs';
import net from 'node:net';
import type { IPty } from 'node-pty';
import { formatZodError } from '../../../src-common/format-zod-error';
import { RunKill } from './kill-tree';
import { HookGateway, keptCallsFile, type CoreLink } from './hook-gateway';
import { OutputBatcher } from './output-batcher';
import { FrameDecoder, encodeFrame, hostRequestSchema, type HelloReply, type HostMessage, type HostRequest, type HostSession, type SpawnSpec } from './protocol';
import { ScrollbackFile } from './scrollback-file';

/** Output queued on a connection beyond which the sessions writing to it are paused until it drains. */
const SOCKET_BACKLOG_BYTES = 1024 * 1024;

/** The part of node-pty the host uses (injected so the host can load a copy built for Electron). */
export interface PtyModule {
  spawn(file: string, args: string[], options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> }): IPty;
}

interface Session {
  info: HostSession;
  pty: IPty;
  scrollback: ScrollbackFile;
  batcher: OutputBatcher;
  lastDataAt: number;
  /** What every process of the run carries in its environment (`PITWALL_SESSION_ID=<id>`), when it does. */
  tag: string | null;
  /**
   * Why the pty is not being read: `core` (a client of the core fell behind) and each connection whose
   * socket buffer is full. While any holds, the agent blocks on its writes: nothing is dropped.
   */
  holds: Set<string | net.Socket>;
}

/**
 * Keeps a pty's output complete to its last byte. On Linux the master side can report EIO as soon
 * as the child closes its end, while output is still queued in the kernel, and node-pty also
 * destroys its read socket 200 ms after the child exits: either drops the tail of a fast, large
 * output. So the host holds its own handle on the pty's slave end (no EIO while it is open) and
 * holds back the destroy until no data has come for a moment; then it lets go of both.
 */
function drainBeforeDestroy(pty: IPty, lastDataAt: () => number, paused: () => boolean, capMs = 10_000): void {
  const internals = pty as unknown as { _socket?: { destroy: (...args: unknown[]) => unknown }; _pty?: unknown };
  const socket = internals._socket;
  if (!socket || typeof socket.destroy !== 'function') return;
  let slaveFd: number | null = null;
  if (process.platform !== 'win32' && typeof internals._pty === 'string') {
    try {
      slaveFd = fs.openSync(internals._pty, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    } catch {
      // The child may already be gone; the destroy hold below still helps.
    }
  }
  const realDestroy = socket.destroy.bind(socket);
  let firstCall: number | null = null;
  socket.destroy = (...args: unknown[]) => {
    const now = Date.now();
    firstCall ??= now;
    // A paused pty still holds output in the kernel: wait for its reader, however long it takes.
    if (paused() || (now - lastDataAt() < 100 && now - firstCall < capMs)) {
      setTimeout(() => socket.destroy(...args), 25);
      return socket;
    }
    if (slaveFd !== null) {
      fs.closeSync(slaveFd);
      slaveFd = null;
    }
    return realDestroy(...args);
  };
}

/**
 * The pty host: owns every agent's pseudo-terminal, records its output to a bounded scrollback
 * file, and streams batched output to connected cores. It outlives a core restart, so running
 * agents keep running and a new core reattaches.
 */
export class PtyHostServer {
  private readonly sessions = new Map<string, Session>();
  /** Stops under way, by session: each SIGKILLs what is left of its run when its grace period ends. */
  private readonly kills = new Map<string, RunKill>();
  private closing = false;
  private readonly clients = new Set<net.Socket>();
  private readonly cores = new Map<net.Socket, CoreLink>();
  /** The hold each connection's `flow` requests put on sessions (lifted when the connection goes). */
  private readonly flowKeys = new Map<net.Socket, string>();
  private flowSeq = 0;
  private readonly server: net.Server;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socketPath: string,
    private readonly scrollbackDir: string,
    private readonly ptyModule: PtyModule,
    private readonly onIdleExit: () => void,
    private readonly idleMs = 60_000,
    /** The agents' hook endpoint; lives as long as this host. */
    readonly hooks: HookGateway = new HookGateway(),
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<void> {
    if (process.platform !== 'win32') this.hooks.loadKept(keptCallsFile(this.socketPath));
    await this.hooks.listen();
    if (process.platform !== 'win32') fs.rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
    if (process.platform !== 'win32') fs.chmodSync(this.socketPath, 0o600);
    this.armIdleTimer();
  }

  private accept(socket: net.Socket): void {
    this.clients.add(socket);
    this.armIdleTimer();
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of frames) this.handle(socket, frame.header);
    });
    const drop = (): void => {
      // A core that asked for a pause and went away (crashed) must not leave its agents blocked.
      const key = this.flowKeys.get(socket);
      if (key) for (const s of this.sessions.values()) this.hold(s, key, false);
      this.clients.delete(socket);
      this.flowKeys.delete(socket);
      const core = this.cores.get(socket);
      if (core) this.hooks.detach(core);
      this.cores.delete(socket);
      this.armIdleTimer();
    };
    socket.on('close', drop);
    socket.on('error', drop);
  }

  private handle(socket: net.Socket, raw: unknown): void {
    const parsed = hostRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      this.send(socket, { type: 'reply', id, ok: false, error: `bad request: ${formatZodError(parsed.error)}` });
      return;
    }
    const request = parsed.data;
    try {
      const value = request.type === 'hello' ? this.hello(socket) : request.type === 'flow' ? this.flow(socket, request.sessionId, request.paused) : this.execute(request);
      if (request.type === 'replay') {
        const { body, ...rest } = value as { body: Buffer; bytes: number };
        socket.write(encodeFrame({ type: 'reply', id: request.id, ok: true, value: rest }, body));
      } else {
        this.send(socket, { type: 'reply', id: request.id, ok: true, value });
      }
    } catch (error) {
      this.send(socket, { type: 'reply', id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private execute(request: HostRequest): unknown {
    switch (request.type) {
      case 'spawn':
        return this.spawn(request.spec);
      case 'input':
        this.running(request.sessionId).pty.write(request.data);
        return undefined;
      case 'resize': {
        const s = this.running(request.sessionId);
        s.pty.resize(request.cols, request.rows);
        s.info.cols = request.cols;
        s.info.rows = request.rows;
        return undefined;
      }
      case 'kill':
        this.kill(request.sessionId, request.graceMs);
        return undefined;
      case 'list':
        return [...this.sessions.values()].map((s) => s.info);
      case 'replay': {
        const s = this.get(request.sessionId);
        s.batcher.flush();
        return { body: s.scrollback.read(), bytes: s.info.bytes };
      }
      case 'forget': {
        const s = this.sessions.get(request.sessionId);
        if (s && !s.info.running) {
          s.scrollback.close();
          this.sessions.delete(request.sessionId);
          this.hooks.unregister(request.sessionId);
        }
        this.armIdleTimer();
        return undefined;
      }
      case 'hello':
        throw new Error('hello is answered per connection');
      case 'hook-answer':
        return this.hooks.answer(request.callId, request.verdict);
      case 'flow':
        throw new Error('flow is answered per connection');
      case 'shutdown':
        for (const s of this.sessions.values()) if (s.info.running) this.kill(s.info.sessionId, 1000);
        setTimeout(() => this.onIdleExit(), 1500).unref();
        return undefined;
    }
  }

  private spawn(spec: SpawnSpec): HostSession {
    if (this.sessions.get(spec.sessionId)?.info.running) throw new Error(`session ${spec.sessionId} is already running`);
    // What the previous run left is killed now: its SIGKILL must not find the next run's processes (they carry the same tag).
    this.kills.get(spec.sessionId)?.finish();
    this.sessions.get(spec.sessionId)?.scrollback.close();
    if (spec.hook) this.hooks.register(spec.sessionId, spec.hook);
    else this.hooks.unregister(spec.sessionId);
    const pty = this.ptyModule.spawn(spec.file, spec.args, { name: spec.name, cols: spec.cols, rows: spec.rows, cwd: spec.cwd, env: spec.env });
    const scrollback = new ScrollbackFile(this.scrollbackDir, spec.sessionId);
    const info: HostSession = {
      sessionId: spec.sessionId,
      pid: pty.pid,
      running: true,
      exitCode: null,
      signal: null,
      cols: spec.cols,
      rows: spec.rows,
      bytes: 0,
      startedAt: Date.now(),
      endedAt: null,
    };
    const session: Session = {
      info,
      pty,
      scrollback,
      lastDataAt: Date.now(),
      tag: spec.env.PITWALL_SESSION_ID ? `PITWALL_SESSION_ID=${spec.env.PITWALL_SESSION_ID}` : null,
      holds: new Set(),
      batcher: new OutputBatcher((data) => {
        session.scrollback.append(data);
        session.info.bytes += data.length;
        this.broadcast({ type: 'output', sessionId: spec.sessionId, offset: session.info.bytes - data.length }, data, session);
      }),
    };
    this.sessions.set(spec.sessionId, session);
    drainBeforeDestroy(pty, () => session.lastDataAt, () => session.holds.size > 0);
    pty.onData((data) => {
      session.lastDataAt = Date.now();
      session.batcher.push(Buffer.from(data, 'utf8'));
    });
    pty.onExit(({ exitCode, signal }) => {
      // node-pty reports exit after its read socket closed (held open above until drained).
      session.batcher.flush();
      info.running = false;
      info.exitCode = exitCode;
      info.signal = signal ?? null;
      info.endedAt = Date.now();
      this.broadcast({ type: 'exit', sessionId: spec.sessionId, exitCode, signal: signal ?? null, bytes: info.bytes });
      this.armIdleTimer();
    });
    this.armIdleTimer();
    return info;
  }

  /** A core's pause (or resume) of a session's output, held for as long as its connection lasts. */
  private flow(socket: net.Socket, sessionId: string, paused: boolean): undefined {
    let key = this.flowKeys.get(socket);
    if (!key) this.flowKeys.set(socket, (key = `core-${++this.flowSeq}`));
    const s = this.sessions.get(sessionId);
    if (s) this.hold(s, key, paused);
    return undefined;
  }

  /** A core on this connection: hook calls go to it from now on; it gets what waited for a core. */
  private hello(socket: net.Socket): HelloReply {
    let core = this.cores.get(socket);
    if (!core) {
      core = {
        call: (call, delivery) => this.send(socket, { type: 'hook', delivery, call }),
        gone: (callId) => this.send(socket, { type: 'hook-gone', callId }),
      };
      this.cores.set(socket, core);
    }
    const replay = this.hooks.attach(core);
    return { pid: process.pid, hookUrl: this.hooks.url(), calls: replay.calls, lost: replay.lost };
  }

  /** SIGTERM to the whole run, then SIGKILL after `graceMs` to whatever of it is left, even once the agent has exited. */
  private kill(sessionId: string, graceMs: number): void {
    const s = this.get(sessionId);
    if (!s.info.running) return;
    this.killOf(sessionId, s).start(graceMs);
  }

  private killOf(sessionId: string, s: Session): RunKill {
    let kill = this.kills.get(sessionId);
    if (!kill) {
      kill = new RunKill(s.pty.pid, s.tag, () => {
        this.kills.delete(sessionId);
        this.armIdleTimer();
      });
      this.kills.set(sessionId, kill);
    }
    return kill;
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId} in the pty host`);
    return s;
  }

  private running(sessionId: string): Session {
    const s = this.get(sessionId);
    if (!s.info.running) throw new Error(`session ${sessionId} has exited`);
    return s;
  }

  private send(socket: net.Socket, message: HostMessage, body?: Buffer): void {
    if (!socket.destroyed) socket.write(encodeFrame(message, body));
  }

  /**
   * Sends a frame to every connection. Output of a session whose connection has a backlog (the core
   * is not reading) stops being read from the pty until that connection drains.
   */
  private broadcast(message: HostMessage, body?: Buffer, from?: Session): void {
    if (this.clients.size === 0) return;
    const frame = encodeFrame(message, body);
    for (const client of this.clients) {
      if (client.destroyed) continue;
      client.write(frame);
      // write() says false past the socket's small high-water mark (16 KiB, less than one batch): only a real backlog pauses.
      if (from && client.writableLength > SOCKET_BACKLOG_BYTES && !from.holds.has(client)) {
        this.hold(from, client, true);
        const release = (): void => {
          client.off('drain', release);
          client.off('close', release);
          this.hold(from, client, false);
        };
        client.on('drain', release);
        client.on('close', release);
      }
    }
  }

  /** Adds or lifts one reason not to read a session's pty; it is paused while any reason holds. */
  private hold(session: Session, reason: string | net.Socket, on: boolean): void {
    const before = session.holds.size > 0;
    if (on) session.holds.add(reason);
    else session.holds.delete(reason);
    const after = session.holds.size > 0;
    if (before === after || !session.info.running) return;
    if (after) session.pty.pause();
    else session.pty.resume();
  }

  /** The host leaves when nothing runs and no core has been connected for a while. */
  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.closing) return;
    const busy = this.clients.size > 0 || this.kills.size > 0 || [...this.sessions.values()].some((s) => s.info.running);
    if (busy) return;
    this.idleTimer = setTimeout(() => this.onIdleExit(), this.idleMs);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const [sessionId, s] of this.sessions) {
      if (s.info.running) this.killOf(sessionId, s);
      s.batcher.dispose();
      s.scrollback.close();
    }
    for (const kill of [...this.kills.values()]) kill.finish();
    for (const client of this.clients) client.destroy();
    try {
      if (process.platform !== 'win32') this.hooks.saveKept(keptCallsFile(this.socketPath));
    } catch (error) {
      console.error('[pty-host] could not keep the hook calls no core has taken', error);
    }
    await this.hooks.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
