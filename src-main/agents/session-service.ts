import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, desc, eq, gte, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { agentProfiles, projects, sessions, worktrees } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import { SESSION_STATUSES, isFinished, type AgentKind, type Session, type SessionStatus } from '../../src-common/domain/agent';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { DisposableStore, type Disposable } from '../lifecycle';
import type { RunLedger } from '../runs/run-ledger';
import type { ApprovalService } from '../approvals/approval-service';
import type { ProjectService } from '../projects/project-service';
import type { WorktreeService } from '../worktrees/worktree-service';
import { adapterFor } from './adapters/adapters';
import type { HookLaunch, LaunchPlan } from './adapters/agent-adapter';
import { CliVersions } from './cli-version';
import { resolveCommand } from './command-resolver';
import { deliverPrompt, withStdin } from './prompt-delivery';
import { ScreenPromptWatcher, type ScreenPromptMatch } from './screen-prompt-watcher';
import type { ProfileService } from './profile-service';
import type { PtyHostClient } from './pty-host-client';
import type { SpawnSpec } from './pty-host/protocol';
import type { UserEnvironment } from './user-environment';
import { readScrollback } from './pty-host/scrollback-file';
import { ensurePrivateDir, writePrivateFile } from '../private-files';

type Row = typeof sessions.$inferSelect;

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

/** A session as other services see it: enough to label it and tell whether its agent stopped. */
export interface SessionFacts {
  title: string | null;
  cwd: string | null;
  status: string;
  activity: string | null;
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

const LIVE: SessionStatus[] = ['starting', 'running', 'stopping'];

/**
 * Agent sessions launched by Pitwall: starts them in the pty host (queued past the project's
 * concurrency limit), records status, exit code and times, relays input, resize and output, and
 * reattaches to sessions still running after a restart of the core.
 */
export class SessionService implements Disposable {
  private readonly store = new DisposableStore();
  private readonly size = new Map<string, { cols: number; rows: number }>();
  private readonly stopRequested = new Set<string>();
  private readonly exitWaiters = new Map<string, (() => void)[]>();
  private readonly pumping = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly stopGraceMs: number;
  private readonly scrollbackDir: string | null;
  private readonly hooks: SessionServiceOptions['hooks'] | null;
  private readonly forcedTransport: HookLaunch['transport'] | null;
  private readonly cliVersions = new CliVersions();
  private readonly approvals: ApprovalService | null;
  private readonly runDir: string | null;
  private readonly ledger: RunLedger | null;
  private readonly screenWatchers = new Map<string, ScreenPromptWatcher>();
  /** A prompt for a session's next run only (a reviewer's feedback on restart). */
  private readonly nextPrompt = new Map<string, string>();
  /** Screen prompts waiting for a decision, per session: answered in the terminal, they are cancelled. */
  private readonly screenPending = new Map<string, string>();

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly projectService: ProjectService,
    private readonly worktreeService: WorktreeService,
    private readonly profiles: ProfileService,
    private readonly host: PtyHostClient,
    private readonly userEnv: UserEnvironment,
    options: SessionServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.baseEnv = options.baseEnv ?? process.env;
    this.stopGraceMs = options.stopGraceMs ?? 3000;
    this.scrollbackDir = options.scrollbackDir ?? null;
    this.hooks = options.hooks ?? null;
    this.forcedTransport = options.hookTransport ?? null;
    this.approvals = options.approvals ?? null;
    this.runDir = options.runDir ?? null;
    this.ledger = options.ledger ?? null;
    this.store.add(
      host.onOutput((sessionId, offset, data) => {
        const text = data.toString('utf8');
        this.events.emit('sessions:output', { sessionId, offset, data: text });
        const match = this.screenWatchers.get(sessionId)?.feed(text);
        if (match && !this.screenPending.has(sessionId)) this.onScreenPrompt(sessionId, match).catch((error: unknown) => console.error('[sessions] screen prompt failed', error));
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
    const live = this.db.select().from(sessions).where(and(inArray(sessions.status, LIVE), eq(sessions.source, 'launched'))).all();
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
          this.size.set(row.id, { cols: held.cols, rows: held.rows });
          // A stop the previous core asked for is finished by this one.
          if (row.status === 'stopping') {
            this.stopRequested.add(row.id);
            void this.host.kill(row.id, this.stopGraceMs).catch(() => undefined);
          }
        }
      }
    }
    const queuedProjects = this.db.selectDistinct({ projectId: sessions.projectId }).from(sessions).where(eq(sessions.status, 'queued')).all();
    for (const { projectId } of queuedProjects) if (projectId) await this.pump(projectId);
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
    const now = this.clock();
    // A profile that takes no prompt (a shell) never gets one, not even later on a restart.
    const prompt = request.prompt?.trim() && profile.promptMode !== 'none' ? request.prompt : null;
    const title = request.title?.trim() || (prompt ? firstLine(prompt) : profile.name);
    const row = this.db
      .insert(sessions)
      .values({
        id: newId(),
        createdAt: now,
        updatedAt: now,
        source: 'launched',
        agentKind: profile.kind,
        projectId: project.id,
        worktreeId,
        profileId: profile.id,
        title,
        prompt,
        status: 'queued',
        cwd,
      })
      .returning()
      .get();
    this.size.set(row.id, { cols: request.cols, rows: request.rows });
    this.changed(row);
    await this.pump(project.id);
    return this.get(row.id);
  }

  async input(sessionId: string, data: string): Promise<void> {
    this.live(sessionId);
    const pendingScreen = this.screenPending.get(sessionId);
    if (pendingScreen) {
      // The person answered the agent's prompt in the terminal themselves.
      this.screenPending.delete(sessionId);
      this.approvals?.cancel(pendingScreen, 'Answered in the terminal');
    }
    await this.host.input(sessionId, data);
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<void> {
    this.size.set(sessionId, { cols, rows });
    const row = this.row(sessionId);
    if (row.status === 'running') await this.host.resize(sessionId, cols, rows);
  }

  /** Stops the whole process tree (SIGTERM, then SIGKILL after the grace period); a queued start is dropped. */
  async stop(sessionId: string): Promise<Session> {
    const row = this.row(sessionId);
    if (row.status === 'queued') {
      this.finish(row, 'stopped', null, 'Stopped before it started');
    } else if (LIVE.includes(row.status as SessionStatus)) {
      this.stopRequested.add(sessionId);
      // Said at once: the agent has its grace period to end before it is killed.
      if (row.status !== 'stopping') this.update(row, { status: 'stopping', statusDetail: `Stopping: the agent has ${Math.round(this.stopGraceMs / 100) / 10} s to end before it is killed`, activity: null });
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
    if (prompt) this.nextPrompt.set(sessionId, prompt);
    const row = this.row(sessionId);
    if (row.source !== 'launched') throw new AppError('invalid_request', 'Only sessions started in Pitwall can be restarted');
    if (!isFinished(row.status as SessionStatus)) await this.stop(sessionId);
    const again = this.update(this.row(sessionId), { status: 'queued', statusDetail: null, exitCode: null, endedAt: null });
    if (again.projectId) await this.pump(again.projectId);
    return this.get(sessionId);
  }

  list(projectId?: string): Session[] {
    const rows = this.db
      .select()
      .from(sessions)
      // Sessions read from transcript files live in History; this list is what runs (or ran) here.
      .where(and(isNull(sessions.deletedAt), eq(sessions.source, 'launched'), projectId ? eq(sessions.projectId, projectId) : undefined))
      .orderBy(desc(sessions.createdAt))
      .all();
    return this.toSessions(rows);
  }

  get(sessionId: string): Session {
    return this.toSessions([this.row(sessionId)])[0]!;
  }

  /**
   * Sessions launched here that are queued or running, and the newest `maxEnded` that ended at or
   * after `endedSince` (the status model reads these after every change, so it stays small).
   */
  recent(endedSince: number, maxEnded = 20): Session[] {
    const launched = and(isNull(sessions.deletedAt), eq(sessions.source, 'launched'));
    const live = this.db.select().from(sessions).where(and(launched, inArray(sessions.status, ['queued', ...LIVE]))).orderBy(desc(sessions.createdAt)).all();
    const ended = this.db
      .select()
      .from(sessions)
      .where(and(launched, gte(sessions.endedAt, endedSince)))
      .orderBy(desc(sessions.endedAt))
      .limit(maxEnded)
      .all()
      .filter((r) => !LIVE.includes(r.status as SessionStatus) && r.status !== 'queued');
    return this.toSessions([...live, ...ended]);
  }

  /** The kept output and where it ends; empty for sessions that never ran here. */
  async scrollback(sessionId: string): Promise<{ data: string; offset: number }> {
    const row = this.row(sessionId);
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
    return this.db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.status, LIVE)).all().length;
  }

  /** Stops every agent and the pty host itself. */
  async shutdownAgents(): Promise<void> {
    for (const row of this.db.select().from(sessions).where(inArray(sessions.status, LIVE)).all()) this.stopRequested.add(row.id);
    await this.host.shutdown();
  }

  /** Disconnects from the pty host; agents keep running there. */
  async dispose(): Promise<void> {
    await this.store.dispose();
    this.host.dispose();
  }

  /** Starts queued sessions of a project while it has free slots. Serialized per project. */
  private pump(projectId: string): Promise<void> {
    const previous = this.pumping.get(projectId) ?? Promise.resolve();
    const next = previous.then(() => this.pumpNow(projectId)).catch((error: unknown) => console.error('[sessions] pump failed', error));
    this.pumping.set(projectId, next);
    return next;
  }

  private async pumpNow(projectId: string): Promise<void> {
    let limit: number;
    try {
      limit = this.projectService.get(projectId).config.maxConcurrentAgents;
    } catch {
      limit = 1;
    }
    for (;;) {
      const active = this.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.projectId, projectId), inArray(sessions.status, LIVE))).all().length;
      if (active >= limit) {
        for (const row of this.queued(projectId)) {
          if (row.statusDetail === null) this.update(row, { statusDetail: `Waiting for a free slot (${limit} agent${limit === 1 ? '' : 's'} at a time in this project)` });
        }
        return;
      }
      const next = this.queued(projectId)[0];
      if (!next) return;
      await this.launch(next);
    }
  }

  private queued(projectId: string): Row[] {
    return this.db.select().from(sessions).where(and(eq(sessions.projectId, projectId), eq(sessions.status, 'queued'))).orderBy(asc(sessions.createdAt), asc(sessions.id)).all();
  }

  private async launch(queued: Row): Promise<void> {
    let row = this.update(queued, { status: 'starting', statusDetail: null });
    try {
      const profile = this.profiles.get(row.profileId ?? '');
      const adapter = adapterFor(profile.kind as AgentKind);
      const env = await this.userEnv.forAgent(profile.env);
      const file = resolveCommand(profile.command, env.PATH ?? '', adapter.installHint);
      env.PITWALL_SESSION_ID = row.id;
      const resuming = row.startedAt !== null && row.externalId !== null;
      let hooks: HookLaunch | null = null;
      let hook: SpawnSpec['hook'];
      if (this.hooks && adapter.hookAgent) {
        // A fresh secret per run; the pty host holds it (it authenticates the agent's hook calls),
        // and the agent gets it in its environment only.
        const secret = randomBytes(24).toString('base64url');
        const transport = this.forcedTransport ?? adapter.hookTransport?.(await this.cliVersions.get(file, env)) ?? 'command';
        hooks = { url: await this.host.hookUrl(), command: this.hooks.command, transport };
        hook = { agent: adapter.hookAgent, secret, context: { mode: profile.permissionMode } };
        env.PITWALL_HOOK_URL = hooks.url;
        env.PITWALL_HOOK_SECRET = secret;
      }
      const prompt = this.nextPrompt.get(row.id) ?? (resuming ? null : row.prompt);
      this.nextPrompt.delete(row.id);
      const delivery = deliverPrompt(profile.kind, profile.promptMode, prompt);
      const configDir = path.join(this.runDir ?? path.join(os.tmpdir(), `pitwall-run-${process.getuid?.() ?? 'user'}`), 'agents', row.id);
      const plan = adapter.plan({ profile, sessionId: row.id, cwd: row.cwd ?? this.baseEnv.HOME ?? '/', env, prompt: delivery.adapterPrompt, resumeAgentSessionId: resuming ? row.externalId : null, hooks, configDir });
      prepareConfig(configDir, plan);
      const { cols, rows } = this.size.get(row.id) ?? { cols: 120, rows: 32 };
      if (this.approvals && adapter.screenPrompts?.length) this.screenWatchers.set(row.id, new ScreenPromptWatcher(adapter.screenPrompts));
      this.stopRequested.delete(row.id);
      const args = [...plan.args, ...delivery.extraArgs];
      const command = delivery.stdin ? withStdin(file, args, { ...env, ...plan.env }, delivery.stdin) : { file, args, env: { ...env, ...plan.env } };
      await this.host.spawn({ sessionId: row.id, ...command, cwd: row.cwd ?? '/', cols, rows, name: 'xterm-256color', ...(hook ? { hook } : {}) });
      row = this.update(this.row(row.id), {
        // A stop asked for while it was starting stays visible.
        status: this.stopRequested.has(row.id) ? 'stopping' : 'running',
        startedAt: this.clock(),
        endedAt: null,
        externalId: plan.agentSessionId ?? row.externalId,
        transcriptPath: plan.transcriptPath ?? row.transcriptPath,
      });
      this.ledger?.runStarted({ sessionId: row.id, taskId: row.taskId, command: profile.command, resumed: resuming });
      if (plan.typedPrompt ?? delivery.typed) {
        const prompt = plan.typedPrompt ?? delivery.typed;
        setTimeout(() => void this.host.input(row.id, `${prompt}\r`).catch(() => undefined), 300);
      }
    } catch (error) {
      this.finish(this.row(row.id), 'failed', null, error instanceof Error ? error.message : String(error));
    }
  }

  /** Files an agent's on-screen permission prompt as an approval, then types the decision. */
  private async onScreenPrompt(sessionId: string, match: ScreenPromptMatch): Promise<void> {
    const row = this.row(sessionId);
    const profile = row.profileId ? this.profiles.get(row.profileId) : null;
    const decision = this.approvals!.decideToolCall({
      toolName: match.prompt.toolName,
      input: { command: match.context, prompt: match.line },
      cwd: row.cwd,
      projectId: row.projectId,
      sessionId,
      worktreeId: row.worktreeId,
      mode: profile?.permissionMode ?? 'supervised',
      toolUseId: null,
      onPending: (approvalId) => this.screenPending.set(sessionId, approvalId),
    });
    const { decision: verdict, cancelled } = await decision;
    this.screenPending.delete(sessionId);
    if (cancelled) return;
    const keys = verdict === 'allow' ? match.prompt.keys.allow : match.prompt.keys.deny;
    await this.host.input(sessionId, keys).catch(() => undefined);
  }

  private onExit(sessionId: string, exitCode: number | null, signal: number | null): void {
    const row = this.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
    if (!row || isFinished(row.status as SessionStatus)) return;
    if (this.stopRequested.delete(sessionId)) this.finish(row, 'stopped', exitCode, 'Stopped from Pitwall');
    else if (exitCode === 0) this.finish(row, 'exited', 0, null);
    else this.finish(row, 'failed', exitCode, signal ? `Ended by signal ${signal}` : `Exited with code ${exitCode}`);
    void this.host.forget(sessionId).catch(() => undefined);
  }

  private onHostLost(): void {
    for (const row of this.db.select().from(sessions).where(inArray(sessions.status, LIVE)).all()) {
      this.finish(row, 'failed', null, 'The terminal host stopped unexpectedly');
    }
  }

  /** Where a launched session's tool calls happen, for its hook calls' rules; null for a session unknown here. */
  hookInfo(sessionId: string): { projectId: string | null; worktreeId: string | null; cwd: string | null } | null {
    const row = this.db.select().from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.source, 'launched'))).get();
    return row ? { projectId: row.projectId, worktreeId: row.worktreeId, cwd: row.cwd } : null;
  }

  /** What other services show of sessions (any source, removed ones included), by id. */
  factsOf(ids: readonly string[]): Map<string, SessionFacts> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = this.db
      .select({ id: sessions.id, title: sessions.title, cwd: sessions.cwd, status: sessions.status, activity: sessions.activity })
      .from(sessions)
      .where(inArray(sessions.id, unique))
      .all();
    return new Map(rows.map(({ id, ...facts }) => [id, facts]));
  }

  /** What a running agent is doing, as its hooks report it. */
  setActivity(sessionId: string, activity: 'working' | 'waiting_for_input' | 'idle'): void {
    const row = this.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
    if (row && row.status === 'running' && row.activity !== activity) this.update(row, { activity });
  }

  private finish(row: Row, status: SessionStatus, exitCode: number | null, detail: string | null): void {
    this.screenWatchers.delete(row.id);
    this.screenPending.delete(row.id);
    this.approvals?.cancelForSession(row.id);
    const updated = this.update(row, { status, exitCode, statusDetail: detail, endedAt: this.clock(), activity: null });
    if (row.source === 'launched') this.ledger?.runEnded(row.id, status === 'stopped' || status === 'exited' ? status : 'failed', exitCode);
    for (const waiter of this.exitWaiters.get(row.id) ?? []) waiter();
    this.exitWaiters.delete(row.id);
    if (updated.projectId) this.pump(updated.projectId).catch((error: unknown) => console.error('[sessions] starting queued sessions failed', error));
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

  private live(sessionId: string): Row {
    const row = this.row(sessionId);
    if (row.status !== 'running') throw new AppError('invalid_request', `Session is ${row.status}, not running`);
    return row;
  }

  private row(sessionId: string): Row {
    const row = this.db.select().from(sessions).where(and(eq(sessions.id, sessionId), isNull(sessions.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No session with id ${sessionId}`);
    return row;
  }

  private update(row: Row, changes: Partial<Row>): Row {
    const next = this.db
      .update(sessions)
      .set({ ...changes, ...nextVersion(row, this.clock()) })
      .where(eq(sessions.id, row.id))
      .returning()
      .get();
    this.changed(next);
    return next;
  }

  private changed(row: Row): void {
    this.events.emit('sessions:changed', { sessionId: row.id, projectId: row.projectId });
  }

  private toSessions(rows: Row[]): Session[] {
    const ids = (pick: (r: Row) => string | null) => [...new Set(rows.map(pick).filter((x): x is string => x !== null))];
    const projectNames = new Map(
      ids((r) => r.projectId).length > 0
        ? this.db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, ids((r) => r.projectId))).all().map((p) => [p.id, p.name])
        : [],
    );
    const branches = new Map(
      ids((r) => r.worktreeId).length > 0
        ? this.db.select({ id: worktrees.id, branch: worktrees.branch }).from(worktrees).where(inArray(worktrees.id, ids((r) => r.worktreeId))).all().map((w) => [w.id, w.branch])
        : [],
    );
    const profileNames = new Map(
      ids((r) => r.profileId).length > 0
        ? this.db.select({ id: agentProfiles.id, name: agentProfiles.name }).from(agentProfiles).where(inArray(agentProfiles.id, ids((r) => r.profileId))).all().map((p) => [p.id, p.name])
        : [],
    );
    const now = this.clock();
    return rows.map((row) => {
      const status = ((SESSION_STATUSES as readonly string[]).includes(row.status) ? row.status : 'failed') as SessionStatus;
      return {
        id: row.id,
        source: row.source,
        agentKind: row.agentKind,
        projectId: row.projectId,
        projectName: row.projectId ? (projectNames.get(row.projectId) ?? null) : null,
        worktreeId: row.worktreeId,
        branch: row.worktreeId ? (branches.get(row.worktreeId) ?? null) : null,
        profileId: row.profileId,
        profileName: row.profileId ? (profileNames.get(row.profileId) ?? null) : null,
        title: row.title,
        status,
        statusDetail: row.statusDetail,
        activity: row.status === 'running' && (row.activity === 'working' || row.activity === 'waiting_for_input' || row.activity === 'idle') ? row.activity : null,
        cwd: row.cwd,
        agentSessionId: row.externalId,
        transcriptPath: row.transcriptPath,
        exitCode: row.exitCode,
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        endedAt: row.endedAt,
        durationMs: row.startedAt === null ? null : (row.endedAt ?? now) - row.startedAt,
      };
    });
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

/** Writes the files and makes the links an adapter's plan asks for, all inside the session's private `configDir`. */
function prepareConfig(configDir: string, plan: LaunchPlan): void {
  const files = Object.entries(plan.files ?? {});
  const links = Object.entries(plan.links ?? {});
  if (files.length === 0 && links.length === 0) return;
  const inside = (file: string) => {
    const relative = path.relative(configDir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`an agent's configuration file must be inside its own folder: ${file}`);
  };
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  ensurePrivateDir(configDir);
  for (const [file, content] of files) {
    inside(file);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writePrivateFile(file, content);
  }
  for (const [link, { target, folder }] of links) {
    inside(link);
    if (folder && !fs.existsSync(target)) fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.dirname(link), { recursive: true, mode: 0o700 });
    const existing = fs.lstatSync(link, { throwIfNoEntry: false });
    // What the agent made there itself on an earlier run (a real file or folder) stays.
    if (existing && !existing.isSymbolicLink()) continue;
    if (existing) fs.unlinkSync(link);
    if (fs.existsSync(target)) fs.symlinkSync(target, link);
  }
}
