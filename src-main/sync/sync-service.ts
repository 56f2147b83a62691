import os from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { TeamStatus, TeamState } from '../../src-common/domain/team';
import { AppError } from '../../src-common/result';
import type { ContentLevel } from '../../src-common/sync/protocol';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import type { Disposable } from '../lifecycle';
import { BatchBuilder, type BatchLimits, type BuiltBatch } from './batch-builder';
import { SyncStore } from './sync-store';
import { TeamClient, serverUrlProblem } from './team-client';

/** Points where a test may stop the core dead (SIGKILL) to prove a crash there loses nothing. */
export type SyncFaultPoint = 'before-send' | 'after-answer';

/** Tunables of the push loop. */
export interface SyncServiceOptions {
  /** Hard limit on one request. */
  requestTimeoutMs: number;
  /** First retry delay after a failure; doubles up to `retryMaxMs`, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A push is tried this often even when nothing new was written (rows written by other processes, a server back up). */
  idleIntervalMs: number;
  /** Local writes are gathered this long before a push. */
  debounceMs: number;
  limits?: BatchLimits;
  /** Extra CA certificates (PEM) for a team server with a private CA. */
  ca?: string;
  hostname: string;
  platform: string;
  random: () => number;
  /** The device clock (tests set one years off: ordering never depends on it). */
  clock?: Clock;
  /** Test-only: called at each fault point (a test's child process kills itself there). */
  faultHook?: (point: SyncFaultPoint) => void;
}

const DEFAULTS: SyncServiceOptions = {
  requestTimeoutMs: 30_000,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  idleIntervalMs: 30_000,
  debounceMs: 300,
  hostname: os.hostname(),
  platform: `${os.platform()}-${os.arch()}`,
  random: Math.random,
};

const REMOVED_MESSAGE = 'This device was removed from the team.';

/** The stricter of the person's and the team's content levels. */
export function effectiveLevel(mine: ContentLevel, team: ContentLevel): ContentLevel {
  return mine === 'metadata' || team === 'metadata' ? 'metadata' : 'everything';
}

/**
 * The client side of team sync: enrollment, the projects turned on, and the push loop (one
 * request at a time, a timeout on each, exponential backoff with jitter, a periodic retry, and
 * at once again while rows remain). Its status goes out on the event bus.
 */
export class SyncService implements Disposable {
  private readonly store: SyncStore;
  private readonly builder: BatchBuilder;
  private readonly client: TeamClient;
  private readonly options: SyncServiceOptions;
  private readonly listeners: Disposable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private disposed = false;
  private state: TeamState = 'off';
  private failures = 0;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private pushedRows = 0;
  private rejectedRows = 0;
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly clock: Clock;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly events: EventBus,
    options: Partial<SyncServiceOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.clock = this.options.clock ?? systemClock;
    this.store = new SyncStore(sqlite, this.clock);
    this.builder = new BatchBuilder(sqlite, this.store, this.options.limits);
    this.client = new TeamClient({ timeoutMs: this.options.requestTimeoutMs, ca: this.options.ca });
    const last = this.store.streams().reduce<number | null>((max, s) => (s.lastSuccessAt !== null && (max === null || s.lastSuccessAt > max) ? s.lastSuccessAt : max), null);
    this.lastSuccessAt = last;
  }

  /** Writes this machine's row and starts the loop when a team is configured. */
  start(): void {
    this.store.ensureLocalMachine(this.options.hostname, this.options.platform);
    // Local writes wake the loop; the periodic retry catches writers that emit nothing (other processes).
    for (const event of ['sessions:changed', 'transcripts:changed', 'approvals:changed', 'tasks:changed', 'rules:changed', 'projects:changed', 'worktrees:changed'] as const) {
      this.listeners.push(this.events.on(event, () => this.wake()));
    }
    this.schedule(0);
  }

  status(): TeamStatus {
    const team = this.store.team();
    const backlog = team ? this.store.backlog() : { queueDepth: 0, oldestPendingAt: null, backfillPending: 0, streams: [] };
    return {
      state: this.currentState(),
      team: team
        ? {
            serverUrl: team.serverUrl,
            orgName: team.orgName,
            deviceId: team.deviceId,
            contentLevel: team.contentLevel,
            orgContentLevel: team.orgContentLevel,
            allowInsecureHttp: team.allowInsecureHttp,
            enrolledAt: team.enrolledAt,
          }
        : null,
      projectIds: team ? this.store.projectIds() : [],
      queueDepth: backlog.queueDepth,
      oldestPendingAt: backlog.oldestPendingAt,
      backfillPending: backlog.backfillPending,
      lastSuccessAt: this.lastSuccessAt,
      lastError: team?.removedAt ? REMOVED_MESSAGE : this.lastError,
      lastErrorAt: team?.removedAt ?? this.lastErrorAt,
      nextAttemptAt: this.state === 'backoff' ? this.nextAttemptAt : null,
      pushedRows: this.pushedRows,
      rejectedRows: this.rejectedRows,
      streams: backlog.streams,
    };
  }

  private currentState(): TeamState {
    const team = this.store.team();
    if (!team) return 'off';
    if (team.removedAt) return 'removed';
    if (team.paused) return 'paused';
    return this.state === 'off' ? 'idle' : this.state;
  }

  async enroll(request: { serverUrl: string; code: string; allowInsecureHttp?: boolean | undefined }): Promise<TeamStatus> {
    const serverUrl = request.serverUrl.trim().replace(/\/+$/, '');
    const allowInsecureHttp = request.allowInsecureHttp ?? false;
    const problem = serverUrlProblem(serverUrl, allowInsecureHttp);
    if (problem) throw new AppError('invalid_request', problem);
    const startCursors = this.store.startCursors();
    const answer = await this.client.enroll(serverUrl, { code: request.code.trim(), deviceName: this.options.hostname, platform: this.options.platform, startCursors });
    if (answer.kind === 'unreachable') throw new AppError('team_unreachable', `Could not reach the team server: ${answer.message}`, true);
    if (answer.kind === 'refused') throw new AppError('team_refused', answer.error.error.message);
    const team = answer.value;
    this.store.enroll(
      {
        serverUrl,
        orgId: team.orgId,
        orgName: team.orgName,
        deviceId: team.deviceId,
        deviceToken: team.deviceToken,
        orgContentLevel: team.contentLevel,
        contentLevel: team.contentLevel,
        allowInsecureHttp,
        enrolledAt: this.clock(),
      },
      startCursors,
    );
    this.resetHealth();
    this.state = 'idle';
    this.emitStatus();
    this.schedule(0);
    return this.status();
  }

  leave(): TeamStatus {
    this.store.leave();
    this.resetHealth();
    this.state = 'off';
    this.emitStatus();
    return this.status();
  }

  setProject(projectId: string, enabled: boolean): TeamStatus {
    if (!this.store.team()) throw new AppError('invalid_request', 'Join a team first: nothing is pushed without one.');
    try {
      this.store.setProject(projectId, enabled);
    } catch (error) {
      if (String(error).includes('FOREIGN KEY')) throw new AppError('not_found', 'That project does not exist');
      throw error;
    }
    this.emitStatus();
    this.schedule(0);
    return this.status();
  }

  update(changes: { contentLevel?: ContentLevel | undefined; paused?: boolean | undefined; allowInsecureHttp?: boolean | undefined }): TeamStatus {
    const team = this.store.team();
    if (!team) throw new AppError('invalid_request', 'Join a team first.');
    if (changes.allowInsecureHttp === false) {
      const problem = serverUrlProblem(team.serverUrl, false);
      if (problem) throw new AppError('invalid_request', `This team's server uses plain HTTP; leave the team to stop using it. ${problem}`);
    }
    this.store.updateTeam(changes);
    if (changes.paused === false) {
      this.failures = 0;
      this.schedule(0);
    }
    this.emitStatus();
    return this.status();
  }

  pushNow(): TeamStatus {
    this.failures = 0;
    this.schedule(0);
    return this.status();
  }

  /** Resolves when the loop has nothing in flight (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private wake(): void {
    if (this.state === 'backoff' || this.disposed) return;
    const team = this.store.team();
    if (!team || team.paused || team.removedAt) return;
    this.schedule(this.options.debounceMs);
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delayMs);
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((error: unknown) => {
        // The loop's own bugs must not end the core: record, back off, try again.
        console.error('[sync] push loop failed', error);
        this.fail(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.disposed) {
          this.again = false;
          this.schedule(0);
        }
      });
  }

  /**
   * Pushes until nothing waits. While a batch is in flight the next one is built (after the body
   * has left, so building never delays sending), as if the one in flight were acknowledged; it is
   * sent only if that one was, and thrown away otherwise. One request at a time.
   */
  private async loop(): Promise<void> {
    let rewinds = 0;
    // A holder, not a variable: the next batch is built in a callback while a push is in flight.
    const ahead: { next: { batch: BuiltBatch | null; exhaustedBackfills: string[]; level: ContentLevel } | null } = { next: null };
    for (;;) {
      if (this.disposed) return;
      const team = this.store.team();
      if (!team || team.removedAt || team.paused) {
        this.state = team ? 'idle' : 'off';
        this.emitStatus();
        return;
      }
      this.store.startBackfills();
      const level = effectiveLevel(team.contentLevel, team.orgContentLevel);
      const built = ahead.next?.level === level ? ahead.next : this.builder.build(team.deviceId, level, this.clock());
      ahead.next = null;
      const { batch, exhaustedBackfills } = built;
      this.store.closeBackfillStreams(exhaustedBackfills);
      if (!batch) {
        this.state = 'idle';
        this.failures = 0;
        this.emitStatus();
        this.schedule(this.options.idleIntervalMs);
        return;
      }
      this.state = 'pushing';
      this.emitStatus();
      this.options.faultHook?.('before-send');
      let answered = false;
      const prebuild = () => {
        // On the next turn: the answer may already be here (then there is nothing to overlap).
        setImmediate(() => {
          if (answered || this.disposed || !batch.more) return;
          try {
            ahead.next = { ...this.builder.build(team.deviceId, level, this.clock(), batch), level };
          } catch (error) {
            console.error('[sync] building the next batch failed', error);
          }
        });
      };
      const answer = await this.client.push(team.serverUrl, team.deviceToken, batch.body, prebuild);
      answered = true;
      if (this.disposed) return;
      if (answer.kind === 'ok') {
        this.options.faultHook?.('after-answer');
        const acks = answer.value.streams.map((s) => ({ stream: s.stream, ackedSeq: s.ackedSeq }));
        this.store.ack(acks);
        // Built on the assumption that every range in flight was taken whole; otherwise built again.
        if (!batch.streams.every((b) => acks.some((a) => a.stream === b.stream && a.ackedSeq === b.toSeq))) ahead.next = null;
        if (answer.value.contentLevel !== team.orgContentLevel) {
          this.store.updateTeam({ orgContentLevel: answer.value.contentLevel });
          ahead.next = null;
        }
        this.pushedRows += answer.value.streams.reduce((n, s) => n + s.applied, 0);
        this.rejectedRows += answer.value.streams.reduce((n, s) => n + s.rejected, 0);
        this.failures = 0;
        this.lastSuccessAt = this.clock();
        this.lastError = null;
        continue;
      }
      ahead.next = null;
      if (answer.kind === 'refused') {
        const { code, message } = answer.error.error;
        if (code === 'device_removed' || (answer.status === 401 && code === 'unauthorized')) {
          this.store.markRemoved(this.clock());
          this.lastError = code === 'device_removed' ? REMOVED_MESSAGE : `The team server does not accept this device: ${message}`;
          this.lastErrorAt = this.clock();
          this.state = 'removed';
          this.emitStatus();
          return;
        }
        if (code === 'gap' && answer.error.cursors && rewinds < 3) {
          rewinds++;
          this.store.rewind(answer.error.cursors);
          continue;
        }
        if (code === 'unsupported_version' && this.builder.positional) {
          // A server older than this desktop: speak protocol 1 to it.
          this.builder.positional = false;
          continue;
        }
        this.fail(`The team server refused the push (${answer.status} ${code}): ${message}`);
        return;
      }
      this.fail(answer.message);
      return;
    }
  }

  private fail(message: string): void {
    this.failures++;
    this.lastError = message;
    this.lastErrorAt = this.clock();
    this.store.recordError(message);
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
    // Full jitter on the upper half: many desktops coming back after an outage do not retry in step.
    const delay = Math.round(ceiling / 2 + (this.options.random() * ceiling) / 2);
    this.nextAttemptAt = this.clock() + delay;
    this.state = 'backoff';
    this.emitStatus();
    this.schedule(delay);
  }

  private resetHealth(): void {
    this.failures = 0;
    this.lastError = null;
    this.lastErrorAt = null;
    this.lastSuccessAt = null;
    this.nextAttemptAt = null;
    this.pushedRows = 0;
    this.rejectedRows = 0;
  }

  /** Status goes out at most every 200 ms: a catch-up pushes many batches a second. */
  private emitStatus(): void {
    if (this.statusTimer || this.disposed) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      if (this.disposed) return;
      try {
        this.events.emit('team:status', this.status());
      } catch (error) {
        console.error('[sync] status failed', error);
      }
    }, 200);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    for (const l of this.listeners) await l.dispose();
    // Destroying the sockets ends a request in flight at once instead of at its timeout.
    this.client.dispose();
    await this.idle().catch(() => undefined);
  }
}
