import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/client';
import { WriteTurns } from '../db/write-turns';
import type { AppConfig } from './config';
import { EventBus } from './events/event-bus';
import { createHandlers } from './ipc/handlers';
import { createRouter, type Router } from './ipc/router';
import { ApprovalService } from './approvals/approval-service';
import { HookBroker } from './approvals/hook-broker';
import { ProfileService } from './agents/profile-service';
import { PtyHostClient, ptyHostSocketPath, type PtyHostLaunch } from './agents/pty-host-client';
import { SessionService, type SessionFacts } from './agents/session-service';
import { UserEnvironment } from './agents/user-environment';
import { DisposableStore, toDisposable, type Disposable } from './lifecycle';
import { tightenDataDir } from './private-files';
import { DiffService } from './review/diff-service';
import { SettingsService } from './settings/settings-service';
import { TaskService } from './tasks/task-service';
import { ProjectService } from './projects/project-service';
import { WorktreeRemoval } from './worktrees/worktree-removal';
import { WorktreeService } from './worktrees/worktree-service';
import { HistoryClient, builtHistoryWorkerLauncher } from './transcripts/history-client';
import { OutputFlow } from './agents/output-flow';
import { builtScanLauncher } from './transcripts/scan-launcher';
import { defaultTranscriptRoots } from './transcripts/transcript-sources';
import { TranscriptService } from './transcripts/transcript-service';
import { RunLedger } from './runs/run-ledger';
import { SyncService } from './sync/sync-service';
import { IdeService } from './ide/ide-service';
import { Notifier } from './notifications/notifier';
import { StatusService } from './status/status-service';
import { syncStatusOf } from './status/team-sync-status';
import { UpdateService } from './updates/update-service';
import { effectiveZone } from './transcripts/usage-days';

/** The core: everything both shells host. */
export interface App extends Disposable {
  readonly config: AppConfig;
  readonly router: Router;
  readonly events: EventBus;
  readonly projects: ProjectService;
  readonly worktrees: WorktreeService;
  readonly profiles: ProfileService;
  readonly sessions: SessionService;
  readonly approvals: ApprovalService;
  readonly hookBroker: HookBroker;
  /** The connection to the pty host (which also owns the agents' hook endpoint). */
  readonly ptyHost: PtyHostClient;
  /** Terminal output's flow control: a client that falls behind on a session pauses its pty. */
  readonly outputFlow: OutputFlow;
  readonly tasks: TaskService;
  readonly transcripts: TranscriptService;
  readonly sync: SyncService;
  readonly settings: SettingsService;
  /** Tray, page badge and notifications are computed from it; team sync reports to it (`setSync`). */
  readonly status: StatusService;
  readonly ide: IdeService;
  /** Opt-in updates; the desktop shell attaches its updater. */
  readonly updates: UpdateService;
  /** Resolves when start-up work (reattaching to running agents) is done. */
  readonly ready: Promise<void>;
}

/**
 * How the built app starts its pty host: `pty-host.js` in the entry's folder (`out/main`; this
 * module itself may sit in a shared chunk elsewhere), under Node or Electron-as-Node.
 */
export function builtPtyHostLaunch(mainDir: string): (socketPath: string, scrollbackDir: string) => PtyHostLaunch {
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  return (socketPath, scrollbackDir) => ({
    command: process.execPath,
    args: [path.join(mainDir, 'pty-host.js'), '--socket', socketPath, '--scrollback-dir', scrollbackDir],
    env,
  });
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command agents run as their hook: this runtime as Node, on resources/hook. */
export function hookCommandFor(resourcesDir: string): string {
  const run = `${shellQuote(process.execPath)} ${shellQuote(path.join(resourcesDir, 'hook'))}`;
  return process.versions.electron ? `ELECTRON_RUN_AS_NODE=1 ${run}` : run;
}

/** Composition root: builds every service from the config. Knows nothing of Electron or HTTP. */
export function createApp(config: AppConfig): App {
  // Data dir 0700, Pitwall's own files 0600 (older installs are tightened here).
  tightenDataDir(config.dataDir);
  const store = new DisposableStore();
  // The first scan writes from its own thread; it makes way for this connection's writes.
  const writeTurns = new WriteTurns();
  const database = openDatabase({
    file: path.join(config.dataDir, 'pitwall.db'),
    migrationsDir: config.migrationsDir,
    writeTurns,
    ...(config.sqliteNativeBinding ? { nativeBinding: config.sqliteNativeBinding } : {}),
  });
  store.add(toDisposable(() => database.close()));

  const events = new EventBus();
  const projects = new ProjectService(database.db, events, config.dataDir);
  const worktrees = store.add(new WorktreeService(database.db, events, projects));
  const profiles = new ProfileService(database.db, events);
  profiles.seedBuiltIns();
  const appRoot = path.resolve(config.migrationsDir, '..', '..');
  // Agents get the user's environment from their login shell, without Pitwall's own variables.
  const userEnv = new UserEnvironment({ baseEnv: config.sessionOptions?.baseEnv ?? process.env, appRoot, extraPath: config.searchPath, ...config.userEnvironment });
  const socketPath = ptyHostSocketPath(config.dataDir);
  const scrollbackDir = path.join(config.dataDir, 'scrollback');
  const launch = (config.ptyHostLaunch ?? builtPtyHostLaunch(path.dirname(require.main?.filename ?? __filename)))(socketPath, scrollbackDir);
  const host = new PtyHostClient(socketPath, launch, path.join(config.dataDir, 'logs', 'pty-host.log'));
  const settings = new SettingsService(database.db, events);
  const diffs = store.add(new DiffService(worktrees, events));
  // The session service is made below (it files screen prompts here): approvals ask it only once calls arrive.
  const approvals: ApprovalService = new ApprovalService(database.db, events, { projects, sessions: { factsOf: (ids): Map<string, SessionFacts> => sessions.factsOf(ids) } }, path.join(config.dataDir, 'tool-output'), () => {
    const seconds = settings.get().approvalTimeoutSeconds;
    return config.approvalTimeoutMs ?? (seconds === null ? null : seconds * 1000);
  });
  const ledger = new RunLedger(database.db);
  const resourcesDir = config.resourcesDir ?? path.resolve(config.migrationsDir, '..', '..', 'resources');
  const sessions: SessionService = store.add(
    new SessionService(database.db, events, projects, worktrees, profiles, host, userEnv, {
      scrollbackDir,
      hooks: { command: hookCommandFor(resourcesDir) },
      approvals,
      runDir: path.join(config.dataDir, 'run'),
      ledger,
      ...config.sessionOptions,
    }),
  );
  // Subscribed before sessions.init() connects to the pty host, which hands over waiting hook calls.
  const broker = store.add(
    new HookBroker(
      host,
      approvals,
      (sessionId) => sessions.hookInfo(sessionId),
      (sessionId, activity) => sessions.setActivity(sessionId, activity),
    ),
  );
  const taskService = store.add(new TaskService(database.db, events, projects, worktrees, profiles, sessions, diffs, { verification: path.join(config.dataDir, 'verification'), landing: path.join(config.dataDir, 'landing') }, userEnv));
  const mainDir = path.dirname(require.main?.filename ?? __filename);
  const transcripts = store.add(
    new TranscriptService(database.sqlite, events, settings, {
      dbFile: path.join(config.dataDir, 'pitwall.db'),
      migrationsDir: config.migrationsDir,
      nativeBinding: config.sqliteNativeBinding ?? null,
      defaultRoots: config.transcriptRoots ?? defaultTranscriptRoots(),
      launchScan: config.transcriptScanLaunch ?? builtScanLauncher(mainDir),
      writeTurns,
      ...(config.transcriptDebounceMs !== undefined ? { debounceMs: config.transcriptDebounceMs } : {}),
    }),
  );
  // History and Usage read in worker threads on their own read-only connections: a heavy search never holds this thread.
  const history = store.add(
    new HistoryClient(
      config.historyWorkerLaunch ?? builtHistoryWorkerLauncher(mainDir),
      { dbFile: path.join(config.dataDir, 'pitwall.db'), nativeBinding: config.sqliteNativeBinding ?? null },
      () => effectiveZone(settings.get().usageTimeZone),
      () => settings.get().modelPrices,
    ),
  );
  const sync = store.add(new SyncService(database.sqlite, events, config.syncOptions));
  const status = store.add(
    new StatusService(events, {
      pendingApprovals: () => approvals.list({ status: 'pending' }),
      sessions: (endedSince, maxEnded) => sessions.recent(endedSince, maxEnded),
      tasks: (sessionIds) => taskService.inReviewOrFor(sessionIds),
    }),
  );
  store.add(new Notifier(status, events, settings));
  // Team sync's health reaches the tray and the page badge through the status model.
  status.setSync(syncStatusOf(sync.status()));
  store.add(events.on('team:status', (team) => status.setSync(syncStatusOf(team))));
  const ide = new IdeService({ environment: userEnv, worktrees, sessions, settings });
  const updates = store.add(new UpdateService(events, settings, sessions, { platform: process.platform, version: config.version }));
  const router = createRouter(
    createHandlers({
      info: () => ({ version: config.version, shell: config.shell, dataDir: config.dataDir, platform: `${os.platform()}-${os.arch()}` }),
      projects,
      worktrees,
      worktreeRemoval: new WorktreeRemoval(worktrees, sessions),
      profiles,
      environment: userEnv,
      sessions,
      approvals,
      settings,
      diffs,
      tasks: taskService,
      transcripts,
      history,
      sync,
      status,
      ide,
      updates,
    }),
  );
  // A worktree a crash left half created is finished or rolled back; that may run an init script, so start-up does not wait for it.
  // The gate's half-done work (a merge, a merged worktree's removal, a verification) follows, after
  // the worktrees are settled: removal and verification need them.
  void worktrees
    .recover()
    .catch((error: unknown) => console.error('[app] recovering half-created worktrees failed', error))
    .then(() => taskService.recover())
    .catch((error: unknown) => console.error('[app] the start-up sweep of the gate failed', error));
  // Once the pty host has handed over the hook calls still waiting (matched to their approvals),
  // whatever approval is left pending has no requester: it expires rather than lingering.
  const ready = sessions
    .init()
    .catch((error: unknown) => console.error('[app] reattaching to agents failed', error))
    .then(() => {
      approvals.expireUnattended();
    })
    .catch((error: unknown) => console.error('[app] expiring approvals nothing waits on failed', error));
  transcripts.start();
  sync.start();

  return {
    config,
    router,
    events,
    projects,
    worktrees,
    profiles,
    sessions,
    approvals,
    hookBroker: broker,
    ptyHost: host,
    outputFlow: new OutputFlow((sessionId, paused) => host.flow(sessionId, paused)),
    tasks: taskService,
    transcripts,
    sync,
    settings,
    status,
    ide,
    updates,
    ready,
    dispose: async () => {
      await ready;
      await store.dispose();
    },
  };
}
