import fs from 'node:fs';
import path from 'node:path';
import type { PermissionMode } from '../../../src-common/domain/agent';
import type { AgentAdapter, HookLaunch, LaunchContext, LaunchPlan } from './agent-adapter';

/** How long a PreToolUse may wait for a person (Codex's hook timeout, in seconds). */
const DECISION_TIMEOUT_S = 86_400;

/** A TOML basic string (`-c` values are parsed as TOML). */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** `-c hooks.<Event>=[…]`: Pitwall's command hook for one Codex hook event. */
function hookOverride(event: string, command: string, timeout: number, matcher: boolean): string[] {
  const handler = `{type="command",command=${tomlString(command)},timeout=${timeout}}`;
  return ['-c', `hooks.${event}=[{${matcher ? 'matcher="*",' : ''}hooks=[${handler}]}]`];
}

/**
 * Codex's hook overrides for one run, on the command line (no file of the user's or the repository's
 * is touched; the secret is only in the environment). PreToolUse holds every tool call for Pitwall's
 * verdict; PermissionRequest answers Codex's own escalation prompts; the rest are recorded.
 */
export function codexHookArgs(hooks: HookLaunch): string[] {
  const command = `${hooks.command} codex`;
  return [
    ...hookOverride('PreToolUse', command, DECISION_TIMEOUT_S, true),
    ...hookOverride('PermissionRequest', command, DECISION_TIMEOUT_S, true),
    ...hookOverride('PostToolUse', command, 30, true),
    ...hookOverride('UserPromptSubmit', command, 30, false),
    ...hookOverride('Stop', command, 30, false),
    // Pitwall's own hook, on this run's command line, is the one being vetted; Codex's trust step
    // (a review screen in its TUI) would otherwise stall an unattended run.
    '--dangerously-bypass-hook-trust',
  ];
}

/**
 * The folders Codex looks up trust for when started in `cwd`: the folder itself and, as Codex does
 * for a linked worktree (a `.git` file pointing into `<main>/.git/worktrees/<name>`), the main
 * checkout; each also as its real path.
 */
export function codexTrustFolders(cwd: string): string[] {
  const folders = [cwd];
  try {
    const pointer = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(path.join(cwd, '.git'), 'utf8'))?.[1]?.trim();
    if (pointer) {
      const gitDir = path.resolve(cwd, pointer);
      if (path.basename(path.dirname(gitDir)) === 'worktrees') folders.push(path.dirname(path.dirname(path.dirname(gitDir))));
    }
  } catch {
    // Not a linked worktree (or no checkout at all): the folder itself is what Codex asks about.
  }
  for (const folder of [...folders]) {
    try {
      folders.push(fs.realpathSync(folder));
    } catch {
      // A folder that does not exist (yet) is trusted by its name.
    }
  }
  return [...new Set(folders)];
}

/**
 * Codex's sandbox and approval policy per permission mode. `auto` is carried out by Pitwall's rules
 * (through the hooks), never by a laxer Codex mode; `plan` runs read-only.
 */
const PERMISSION_FLAGS: Record<PermissionMode, string[]> = {
  supervised: ['--sandbox', 'workspace-write', '--ask-for-approval', 'on-request'],
  auto: ['--sandbox', 'workspace-write', '--ask-for-approval', 'on-request'],
  plan: ['--sandbox', 'read-only', '--ask-for-approval', 'on-request'],
};

/**
 * Codex CLI: `-m` for the model, the prompt as an argument, `codex resume <id> [prompt]` to
 * continue (a reviewer's feedback is that prompt). The prompt goes after `--` (clap), so neither an
 * option nor a subcommand name in the user's text is read as one.
 *
 * `--no-daemon`: without it Codex 0.169 runs its turns in a shared background server that outlives
 * the terminal (and Pitwall), so stopping the session would not stop its commands. The worktree is
 * trusted for this run through the same `projects` setting Codex writes when a person answers its
 * trust question, given as an override so the user's config is not rewritten.
 */
export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  installHint: 'npm install -g @openai/codex',
  hookAgent: 'codex',
  hookTransport: () => 'command',
  plan(context: LaunchContext): LaunchPlan {
    const { profile, prompt, resumeAgentSessionId, cwd } = context;
    const args = [...profile.args];
    if (resumeAgentSessionId) args.unshift('resume', resumeAgentSessionId);
    args.push('--no-daemon');
    args.push('-c', `projects={${codexTrustFolders(cwd).map((folder) => `${tomlString(folder)}={trust_level="trusted"}`).join(',')}}`);
    args.push(...PERMISSION_FLAGS[profile.permissionMode]);
    if (context.hooks) args.push(...codexHookArgs(context.hooks));
    if (profile.model) args.push('-m', profile.model);
    if (prompt) args.push('--', prompt);
    return { args, env: {}, agentSessionId: null, transcriptPath: null, typedPrompt: null };
  },
};
