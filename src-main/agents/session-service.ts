import type { PitwallDb } from '../../db/client';
import { isFinished, type Session, type SessionStatus } from '../../src-common/domain/agent';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { DisposableStore, type Disposable } from '../lifecycle';
import type { RunLedger } from '../runs/run-ledger';
import type { ApprovalService } from '../approvals/approval-service';
import type { ProjectService } from '../projects/project-service';
import type { WorktreeService } from '../worktrees/worktree-service';
import { adapterFor } from './adapters/adapters';
import type { HookLaunch } from './adapters/agent-adapter';
import { resolveCommand } from './command-resolver';
import { deliverPrompt } from './prompt-delivery';
import type { ProfileService } from './profile-service';
import type { PtyHostClient } from './pty-host-client';
import type { UserEnvironment } from './user-environment';
import { readScrollback } from './pty-host/scrollback-file';
import { SessionLauncher } from './session-launcher';
import { SessionQueue } from './session-queue';
import { LIVE_STATUSES, SessionRecords, type SessionFacts, type SessionRow } from './session-records';
import { SessionScreenPrompts } from './session-screen-prompts';

export type { SessionFacts } from './session-records';

/** What `sessions:start` asks for. */
export interface StartRequest {
  projectId: string;
  profileId: string;
  worktreeId?: string | undefined;
  newWorktree?: { branch: string; base?: string | undefined } | undefined;
  prompt?: string | undefined;
  title?: string | undefined;
  cols: number;
  rows: number;
}

/** Tunables, mostly for tests. */
export interface SessionServiceOptions {
  clock?: Clock;
  /** Pitwall's own environment (its HOME is where an agent without a folder starts). */
  baseEnv?: NodeJS.ProcessEnv;
  /** How long stop waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** Where the pty host keeps scrollback files (read directly when the host is gone). */
  scrollbackDir?: string;
  /** Routes agents' tool calls through approvals (agents with a hook API): the command hook's shell command. */
  hooks?: { command: string };
  /** Forces a hook transport for agents that support both (tests of the command hook on a new CLI). */
  hookTransport?: HookLaunch['transport'];
  /** Files screen-read permission prompts (agents without a hook API) as approvals. */
  approvals?: ApprovalService;
  /** A private folder for per-session agent configuration (settings files adapters ask for). */
  runDir?: string;
  /** Records each run of an agent process and the sessions' lifecycle events. */
  ledger?: RunLedger;
}

/**
 * Agent sessions launched by Pitwall: starts them in the pty host (queued past the project's
 * concurrency limit), records status, exit code and times, relays input, resize and output, and
 * reattaches to sessions still running after a restart of the core. This runs each session's
 * lifecycle; the `sessions` table (`SessionRecords`), the start queue (`SessionQueue`), the
 * launch (`SessionLauncher`) and the screen prompts (`SessionScreenPrompts`) are their own parts.
 */
export class SessionService implements Disposable {
  private readonly store = new DisposableStore();
  private readonly stopRequested = new Set<string>();
  private readonly exitWaiters = new Map<string, (() => void)[]>();
  private readonly clock: Clock;
  private readonly stopGraceMs: number;
  private readonly scrollbackDir: string | null;
  private readonly approvals: ApprovalService | null;
  private readonly ledger: RunLedger | null;
  private readonly records: SessionRecords;
  private readonly queue: SessionQueue;
  private readonly launcher: SessionLauncher;
  private readonly screenPrompts: SessionScreenPrompts;

  constructor(
    db: PitwallDb,
    events: EventBus,
    private readonly projectService: ProjectService,
    private readonly worktreeService: WorktreeService,
    private readonly profiles: ProfileService,
    private readonly host: PtyHostClient,
    private readonly userEnv: UserEnvironment,
    options: SessionServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.stopGraceMs = options.stopGraceMs ?? 3000;
    this.scrollbackDir = options.scrollbackDir ?? null;
    this.approvals = options.approvals ?? null;
    this.ledger = options.ledger ?? null;
    this.records = new SessionRecords(db, events, { projects: projectService, worktrees: worktreeService, profiles }, this.clock);
    this.screenPrompts = new SessionScreenPrompts(this.records, profiles, host, this.approvals);
    this.launcher = new SessionLauncher(
      this.records,
      profiles,
      host,
      userEnv,
      this.screenPrompts,
      {
        clock: this.clock,
        baseEnv: options.baseEnv ?? process.env,
        hooks: options.hooks ?? null,
        forcedTransport: options.hookTransport ?? null,
        runDir: options.runDir ?? null,
        ledger: this.ledger,
      },
      this.stopRequested,
      (row, message) => this.finish(row, 'failed', null, message),
    );
    this.queue = new SessionQueue(this.records, projectService, (row) => this.launcher.launch(row));
    this.store.add(
      host.onOutput((sessionId, offset, data) => {
        const text = data.toString('utf8');
        events.emit('sessions:output', { sessionId, offset, data: text });
        this.screenPrompts.feed(sessionId, text);
      }),
    );
    this.store.add(host.onExit((sessionId, exitCode, signal) => this.onExit(sessionId, exitCode, signal)));
    this.store.add(host.onDisconnect(() => this.onHostLost()));
  }

  /**
   * Reattaches to sessions that kept running in the pty host while the core was down. Connecting
   * also takes over the host's hook calls: those that waited for a core are handed over (and
   * matched to their approvals) before this resolves.
   */
  async init(): Promise<void> {
    const live = this.records.live(true);
    const listening = await this.host.isListening();
    // A host that left kept the hook calls no core took: a new one hands them over.
    if (listening || this.host.hasKeptHookCalls()) await this.host.connect();
    if (live.length > 0) {
      const hostSessions = listening ? await this.host.list() : [];
      for (const row of live) {
        const held = hostSessions.find((h) => h.sessionId === row.id);
        if (!held) {
          this.finish(row, 'failed', null, listening ? 'The terminal host no longer had this session' : 'The terminal host was not running; the agent ended with it');
        } else if (!held.running) {
          this.onExit(row.id, held.exitCode, held.signal);
        } else {
          this.launcher.size.set(row.id, { cols: held.cols, rows: held.rows });
          // A stop the previous core asked for is finished by this one.
          if (row.status === 'stopping') {
            this.stopRequested.add(row.id);
            void this.host.kill(row.id, this.stopGraceMs).catch(() => undefined);
          }
        }
      }
    }
    for (const projectId of this.records.projectsWithQueued()) await this.queue.pump(projectId);
  }

  async start(request: StartRequest): Promise<Session> {
    const project = this.projectService.get(request.projectId);
    const profile = this.profiles.get(request.profileId);
    // A missing CLI is an answer to the request, not a terminal that dies at once.
    resolveCommand(profile.command, (await this.userEnv.forAgent(profile.env)).PATH ?? '', adapterFor(profile.kind).installHint);
    // A prompt this profile cannot pass safely is an answer to the request too.
    deliverPrompt(profile.kind, profile.promptMode, request.prompt?.trim() ? request.prompt : null);
    let worktreeId: string | null = null;
    let cwd = project.path;
    if (request.newWorktree) {
      const wt = await this.worktreeService.create({ projectId: project.id, branch: request.newWorktree.branch, base: request.newWorktree.base });
      if (wt.status !== 'active') throw new AppError('git_failed', `The worktree for ${wt.branch} could not be made ready: ${wt.error ?? wt.status}`);
      worktreeId = wt.id;
      cwd = wt.path;
    } else if (request.worktreeId) {
      const wt = this.worktreeService.get(request.worktreeId);
      if (wt.projectId !== project.id) throw new AppError('invalid_request', 'That worktree belongs to another project');
      if (wt.status !== 'active') throw new AppError('invalid_request', `Worktree ${wt.branch} is ${wt.status}`);
      worktreeId = wt.id;
      cwd = wt.path;
    }
    // A profile that takes no prompt (a shell) never gets one, not even later on a restart.
    const prompt = request.prompt?.trim() && profile.promptMode !== 'none' ? request.prompt : null;
    const title = request.title?.trim() || (prompt ? firstLine(prompt) : profile.name);
    const row = this.records.insertQueued({ agentKind: profile.kind, projectId: project.id, worktreeId, profileId: profile.id, title, prompt, cwd });
    this.launcher.size.set(row.id, { cols: request.cols, rows: request.rows });
    await this.queue.pump(project.id);
    return this.get(row.id);
  }

  async input(sessionId: string, data: string): Promise<void> {
    this.live(sessionId);
    // The person may have answered the agent's screen prompt in the terminal themselves.
    this.screenPrompts.typed(sessionId);
    await this.host.input(sessionId, data);
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<void> {
    this.launcher.size.set(sessionId, { cols, rows });
    const row = this.records.row(sessionId);
    if (row.status === 'running') await this.host.resize(sessionId, cols, rows);
  }

  /** Stops the whole process tree (SIGTERM, then SIGKILL after the grace period); a queued start is dropped. */
  async stop(sessionId: string): Promise<Session> {
    const row = this.records.row(sessionId);
    if (row.status === 'queued') {
      this.finish(row, 'stopped', null, 'Stopped before it started');
    } else if (LIVE_STATUSES.includes(row.status as SessionStatus)) {
      this.stopRequested.add(sessionId);
      // Said at once: the agent has its grace period to end before it is killed.
      if (row.status !== 'stopping') this.records.update(row, { status: 'stopping', statusDetail: `Stopping: the agent has ${Math.round(this.stopGraceMs / 100) / 10} s to end before it is killed`, activity: null });
      const exited = this.waitForExit(sessionId, this.stopGraceMs + 5000);
      await this.host.kill(sessionId, this.stopGraceMs);
      await exited;
    }
    return this.get(sessionId);
  }

  /**
   * Stops the session if it runs, then starts it again (resuming the agent's own session where it
   * can), optionally with a prompt for that run.
   */
  async restart(sessionId: string, prompt?: string): Promise<Session> {
    if (prompt) this.launcher.nextPrompt.set(sessionId, prompt);
    const row = this.records.row(sessionId);
    if (row.source !== 'launched') throw new AppError('invalid_request', 'Only sessions started in Pitwall can be restarted');
    if (!isFinished(row.status as SessionStatus)) await this.stop(sessionId);
    const again = this.records.update(this.records.row(sessionId), { status: 'queued', statusDetail: null, exitCode: null, endedAt: null });
    if (again.projectId) await this.queue.pump(again.projectId);
    return this.get(sessionId);
  }

  /** Sessions launched here (of one project or all), newest first; sessions read from transcript files live in History. */
  list(projectId?: string): Session[] {
    return this.records.list(projectId);
  }

  get(sessionId: string): Session {
    return this.records.toSessions([this.records.row(sessionId)])[0]!;
  }

  /**
   * Sessions launched here that are queued or running, and the newest `maxEnded` that ended at or
   * after `endedSince` (the status model reads these after every change, so it stays small).
   */
  recent(endedSince: number, maxEnded = 20): Session[] {
    return this.records.recent(endedSince, maxEnded);
  }

  /** The kept output and where it ends; empty for sessions that never ran here. */
  async scrollback(sessionId: string): Promise<{ data: string; offset: number }> {
    const row = this.records.row(sessionId);
    if (row.source !== 'launched' || row.status === 'queued') return { data: '', offset: 0 };
    try {
      const { data, bytes } = await this.host.replay(sessionId);
      return { data: data.toString('utf8'), offset: bytes };
    } catch {
      // The host has forgotten a finished session: its file is still on disk.
      const data = this.scrollbackDir ? readScrollback(this.scrollbackDir, sessionId) : Buffer.alloc(0);
      return { data: data.toString('utf8'), offset: Number.MAX_SAFE_INTEGER };
    }
  }

  /** Running and starting sessions (for the quit question). */
  runningCount(): number {
    return this.records.liveCount();
  }

  /** Stops every agent and the pty host itself. */
  async shutdownAgents(): Promise<void> {
    for (const row of this.records.live()) this.stopRequested.add(row.id);
    await this.host.shutdown();
  }

  /** Disconnects from the pty host; agents keep running there. */
  async dispose(): Promise<void> {
    await this.store.dispose();
    this.host.dispose();
  }

  /** Where a launched session's tool calls happen, for its hook calls' rules; null for a session unknown here. */
  hookInfo(sessionId: string): { projectId: string | null; worktreeId: string | null; cwd: string | null } | null {
    const row = this.records.findLaunched(sessionId);
    return row ? { projectId: row.projectId, worktreeId: row.worktreeId, cwd: row.cwd } : null;
  }

  /** What other services show of sessions (any source, removed ones included), by id. */
  factsOf(ids: readonly string[]): Map<string, SessionFacts> {
    return this.records.factsOf(ids);
  }

  /** What a running agent is doing, as its hooks report it. */
  setActivity(sessionId: string, activity: 'working' | 'waiting_for_input' | 'idle'): void {
    const row = this.records.find(sessionId);
    if (row && row.status === 'running' && row.activity !== activity) this.records.update(row, { activity });
  }

  private onExit(sessionId: string, exitCode: number | null, signal: number | null): void {
    const row = this.records.find(sessionId);
    if (!row || isFinished(row.status as SessionStatus)) return;
    if (this.stopRequested.delete(sessionId)) this.finish(row, 'stopped', exitCode, 'Stopped from Pitwall');
    else if (exitCode === 0) this.finish(row, 'exited', 0, null);
    else this.finish(row, 'failed', exitCode, signal ? `Ended by signal ${signal}` : `Exited with code ${exitCode}`);
    void this.host.forget(sessionId).catch(() => undefined);
  }

  private onHostLost(): void {
    for (const row of this.records.live()) this.finish(row, 'failed', null, 'The terminal host stopped unexpectedly');
  }

  private finish(row: SessionRow, status: SessionStatus, exitCode: number | null, detail: string | null): void {
    this.screenPrompts.forget(row.id);
    this.approvals?.cancelForSession(row.id);
    const updated = this.records.update(row, { status, exitCode, statusDetail: detail, endedAt: this.clock(), activity: null });
    if (row.source === 'launched') this.ledger?.runEnded(row.id, status === 'stopped' || status === 'exited' ? status : 'failed', exitCode);
    for (const waiter of this.exitWaiters.get(row.id) ?? []) waiter();
    this.exitWaiters.delete(row.id);
    if (updated.projectId) this.queue.pump(updated.projectId).catch((error: unknown) => console.error('[sessions] starting queued sessions failed', error));
  }

  private waitForExit(sessionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const list = this.exitWaiters.get(sessionId) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.exitWaiters.set(sessionId, list);
    });
  }

  private live(sessionId: string): SessionRow {
    const row = this.records.row(sessionId);
    if (row.status !== 'running') throw new AppError('invalid_request', `Session is ${row.status}, not running`);
    return row;
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}
