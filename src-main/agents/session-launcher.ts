import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { AgentKind } from '../../src-common/domain/agent';
import type { Clock } from '../clock';
import type { RunLedger } from '../runs/run-ledger';
import { adapterFor } from './adapters/adapters';
import type { HookLaunch } from './adapters/agent-adapter';
import { prepareConfig } from './agent-config-files';
import { CliVersions } from './cli-version';
import { resolveCommand } from './command-resolver';
import { deliverPrompt, withStdin } from './prompt-delivery';
import type { ProfileService } from './profile-service';
import type { PtyHostClient } from './pty-host-client';
import type { SpawnSpec } from './pty-host/protocol';
import type { SessionRecords, SessionRow } from './session-records';
import type { SessionScreenPrompts } from './session-screen-prompts';
import type { UserEnvironment } from './user-environment';

/** What a launch needs besides the services. */
export interface LaunchSettings {
  clock: Clock;
  /** Pitwall's own environment (its HOME is where an agent without a folder starts). */
  baseEnv: NodeJS.ProcessEnv;
  /** The command hook's shell command; null launches agents without hooks. */
  hooks: { command: string } | null;
  /** Forces a hook transport for agents that support both. */
  forcedTransport: HookLaunch['transport'] | null;
  /** A private folder for per-session agent configuration. */
  runDir: string | null;
  ledger: RunLedger | null;
}

/**
 * Launching one queued session: the adapter's plan for its agent CLI, the user's environment, the
 * prompt's delivery, the hook registration with the pty host (a fresh secret per run), the agent's
 * private configuration files, then the spawn.
 */
export class SessionLauncher {
  private readonly cliVersions = new CliVersions();
  /** The terminal size each session starts (or restarts) with. */
  readonly size = new Map<string, { cols: number; rows: number }>();
  /** A prompt for a session's next run only (a reviewer's feedback on restart). */
  readonly nextPrompt = new Map<string, string>();

  constructor(
    private readonly records: SessionRecords,
    private readonly profiles: Pick<ProfileService, 'get'>,
    private readonly host: PtyHostClient,
    private readonly userEnv: UserEnvironment,
    private readonly screenPrompts: SessionScreenPrompts,
    private readonly settings: LaunchSettings,
    /** Sessions a stop was asked for (shared with the service): one asked while starting stays visible. */
    private readonly stopRequested: Set<string>,
    /** Ends a session whose launch failed. */
    private readonly failed: (row: SessionRow, message: string) => void,
  ) {}

  /** Starts a queued session's agent; a failure ends the session as `failed` with the reason. */
  async launch(queued: SessionRow): Promise<void> {
    let row = this.records.update(queued, { status: 'starting', statusDetail: null });
    try {
      const profile = this.profiles.get(row.profileId ?? '');
      const adapter = adapterFor(profile.kind as AgentKind);
      const env = await this.userEnv.forAgent(profile.env);
      const file = resolveCommand(profile.command, env.PATH ?? '', adapter.installHint);
      env.PITWALL_SESSION_ID = row.id;
      const resuming = row.startedAt !== null && row.externalId !== null;
      let hooks: HookLaunch | null = null;
      let hook: SpawnSpec['hook'];
      if (this.settings.hooks && adapter.hookAgent) {
        // A fresh secret per run; the pty host holds it (it authenticates the agent's hook calls),
        // and the agent gets it in its environment only.
        const secret = randomBytes(24).toString('base64url');
        const transport = this.settings.forcedTransport ?? adapter.hookTransport?.(await this.cliVersions.get(file, env)) ?? 'command';
        hooks = { url: await this.host.hookUrl(), command: this.settings.hooks.command, transport };
        hook = { agent: adapter.hookAgent, secret, context: { mode: profile.permissionMode } };
        env.PITWALL_HOOK_URL = hooks.url;
        env.PITWALL_HOOK_SECRET = secret;
      }
      const prompt = this.nextPrompt.get(row.id) ?? (resuming ? null : row.prompt);
      this.nextPrompt.delete(row.id);
      const delivery = deliverPrompt(profile.kind, profile.promptMode, prompt);
      const configDir = path.join(this.settings.runDir ?? path.join(os.tmpdir(), `pitwall-run-${process.getuid?.() ?? 'user'}`), 'agents', row.id);
      const plan = adapter.plan({ profile, sessionId: row.id, cwd: row.cwd ?? this.settings.baseEnv.HOME ?? '/', env, prompt: delivery.adapterPrompt, resumeAgentSessionId: resuming ? row.externalId : null, hooks, configDir });
      prepareConfig(configDir, plan);
      const { cols, rows } = this.size.get(row.id) ?? { cols: 120, rows: 32 };
      this.screenPrompts.watch(row.id, adapter.screenPrompts);
      this.stopRequested.delete(row.id);
      const args = [...plan.args, ...delivery.extraArgs];
      const agentEnv = { ...env, ...plan.env };
      for (const name of plan.unsetEnv ?? []) delete agentEnv[name];
      const command = delivery.stdin ? withStdin(file, args, agentEnv, delivery.stdin) : { file, args, env: agentEnv };
      await this.host.spawn({ sessionId: row.id, ...command, cwd: row.cwd ?? '/', cols, rows, name: 'xterm-256color', ...(hook ? { hook } : {}) });
      row = this.records.update(this.records.row(row.id), {
        // A stop asked for while it was starting stays visible.
        status: this.stopRequested.has(row.id) ? 'stopping' : 'running',
        startedAt: this.settings.clock(),
        endedAt: null,
        externalId: plan.agentSessionId ?? row.externalId,
        transcriptPath: plan.transcriptPath ?? row.transcriptPath,
      });
      this.settings.ledger?.runStarted({ sessionId: row.id, taskId: row.taskId, command: profile.command, resumed: resuming });
      if (plan.typedPrompt ?? delivery.typed) {
        const prompt = plan.typedPrompt ?? delivery.typed;
        setTimeout(() => void this.host.input(row.id, `${prompt}\r`).catch(() => undefined), 300);
      }
    } catch (error) {
      this.failed(this.records.row(row.id), error instanceof Error ? error.message : String(error));
    }
  }
}
