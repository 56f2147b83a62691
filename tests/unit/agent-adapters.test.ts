import { describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { LaunchContext } from '../../src-main/agents/adapters/agent-adapter';
import { claudeCodeAdapter, claudeHookSettings } from '../../src-main/agents/adapters/claude-code-adapter';
import { codexAdapter, geminiAdapter } from '../../src-main/agents/adapters/other-adapters';
import { atLeast, parseVersion } from '../../src-main/agents/cli-version';

const profile = (kind: AgentProfile['kind'], permissionMode: AgentProfile['permissionMode'] = 'supervised'): AgentProfile => ({
  id: 'p',
  name: 'n',
  kind,
  command: kind,
  args: [],
  env: {},
  model: null,
  permissionMode,
  promptMode: 'argument',
  builtIn: false,
  createdAt: 0,
  updatedAt: 0,
});

const context = (over: Partial<LaunchContext>): LaunchContext => ({
  profile: profile('claude-code'),
  sessionId: '0190a0a0-0000-7000-8000-000000000001',
  cwd: '/w',
  env: { HOME: '/h' },
  prompt: null,
  resumeAgentSessionId: null,
  hooks: null,
  ...over,
});

const hooks = { url: 'http://127.0.0.1:4000', command: "'/usr/bin/node' '/app/resources/hook'", transport: 'http' as const };

describe('agent adapters', () => {
  it('put user text after -- (Claude Code, Codex) so it is never read as an option, first run and resume alike', () => {
    const flag = '--permission-mode=bypassPermissions';
    expect(claudeCodeAdapter.plan(context({ prompt: flag })).args.slice(-2)).toEqual(['--', flag]);
    expect(claudeCodeAdapter.plan(context({ prompt: flag, resumeAgentSessionId: 'abc' })).args.slice(-2)).toEqual(['--', flag]);
    expect(codexAdapter.plan(context({ profile: profile('codex'), prompt: flag })).args).toEqual(['--', flag]);
    expect(codexAdapter.plan(context({ profile: profile('codex'), prompt: 'resume', resumeAgentSessionId: 'thread-1' })).args).toEqual(['resume', 'thread-1', '--', 'resume']);
  });

  it('give Gemini CLI its prompt as the value of --prompt-interactive= (yargs takes the rest of that word as the value)', () => {
    expect(geminiAdapter.plan(context({ profile: profile('gemini'), prompt: '--yolo\nand more' })).args).toEqual(['--prompt-interactive=--yolo\nand more']);
  });

  it('never launch Claude Code in a laxer mode than its default: Pitwall carries out "auto" itself', () => {
    const mode = (m: AgentProfile['permissionMode']) => {
      const args = claudeCodeAdapter.plan(context({ profile: profile('claude-code', m) })).args;
      return args[args.indexOf('--permission-mode') + 1];
    };
    expect([mode('supervised'), mode('auto'), mode('plan')]).toEqual(['default', 'default', 'plan']);
  });

  it('use Claude Code HTTP hooks from 2.1.63 on, with the secret taken from the environment, and the command hook before', () => {
    expect(claudeCodeAdapter.hookTransport!(parseVersion('2.1.197 (Claude Code)'))).toBe('http');
    expect(claudeCodeAdapter.hookTransport!(parseVersion('2.1.63'))).toBe('http');
    expect(claudeCodeAdapter.hookTransport!(parseVersion('2.1.62 (Claude Code)'))).toBe('command');
    expect(claudeCodeAdapter.hookTransport!(null)).toBe('command');
    const http = JSON.stringify(claudeHookSettings(hooks));
    expect(http).toContain('"type":"http"');
    expect(http).toContain('"url":"http://127.0.0.1:4000/hook/claude-code"');
    expect(http).toContain('"Authorization":"Bearer $PITWALL_HOOK_SECRET"');
    expect(http).toContain('"allowedEnvVars":["PITWALL_HOOK_SECRET","PITWALL_SESSION_ID"]');
    const command = JSON.stringify(claudeHookSettings({ ...hooks, transport: 'command' }));
    expect(command).toContain(`"command":${JSON.stringify(`${hooks.command} claude-code`)}`);
    expect(command).not.toContain('http://');
  });

  it('compare versions numerically', () => {
    expect(atLeast([2, 1, 100], [2, 1, 63])).toBe(true);
    expect(atLeast([2, 0, 999], [2, 1, 0])).toBe(false);
    expect(atLeast([3, 0, 0], [2, 9, 9])).toBe(true);
    expect(parseVersion('no version here')).toBeNull();
  });
});
