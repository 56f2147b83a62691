import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { LaunchContext } from '../../src-main/agents/adapters/agent-adapter';
import { claudeCodeAdapter, claudeHookSettings } from '../../src-main/agents/adapters/claude-code-adapter';
import { codexAdapter, codexTrustFolders } from '../../src-main/agents/adapters/codex-adapter';
import { geminiAdapter, withPitwallHooks } from '../../src-main/agents/adapters/gemini-adapter';
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
  configDir: '/run/agents/s1',
  ...over,
});

const hooks = { url: 'http://127.0.0.1:4000', command: "'/usr/bin/node' '/app/resources/hook'", transport: 'http' as const };

describe('agent adapters', () => {
  it('put user text after -- (Claude Code, Codex) so it is never read as an option, first run and resume alike', () => {
    const flag = '--permission-mode=bypassPermissions';
    expect(claudeCodeAdapter.plan(context({ prompt: flag })).args.slice(-2)).toEqual(['--', flag]);
    expect(claudeCodeAdapter.plan(context({ prompt: flag, resumeAgentSessionId: 'abc' })).args.slice(-2)).toEqual(['--', flag]);
    expect(codexAdapter.plan(context({ profile: profile('codex'), prompt: flag })).args.slice(-2)).toEqual(['--', flag]);
    const resumed = codexAdapter.plan(context({ profile: profile('codex'), prompt: 'resume', resumeAgentSessionId: 'thread-1' })).args;
    expect(resumed.slice(0, 2)).toEqual(['resume', 'thread-1']);
    expect(resumed.slice(-2)).toEqual(['--', 'resume']);
  });

  it('give Gemini CLI its prompt as the value of --prompt-interactive= (yargs takes the rest of that word as the value)', () => {
    expect(geminiAdapter.plan(context({ profile: profile('gemini'), prompt: '--yolo\nand more' })).args.at(-1)).toBe('--prompt-interactive=--yolo\nand more');
  });

  it("keep the user's own Gemini hooks and settings, with Pitwall's hooks after them", () => {
    const merged = withPitwallHooks({ ui: { theme: 'x' }, hooks: { BeforeTool: [{ matcher: 'x', hooks: [] }], enabled: true } }, { ...hooks, transport: 'command' });
    expect(merged.ui).toEqual({ theme: 'x' });
    const own = merged.hooks as Record<string, unknown[]>;
    expect(own.BeforeTool).toHaveLength(2);
    expect(own.BeforeTool![0]).toEqual({ matcher: 'x', hooks: [] });
    expect(own.enabled).toBe(true);
  });

  it("trust a linked worktree for Codex the way Codex looks it up: the worktree and its main checkout", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-trust-'));
    try {
      const main = path.join(root, 'main');
      const worktree = path.join(root, 'wt');
      fs.mkdirSync(path.join(main, '.git', 'worktrees', 'wt'), { recursive: true });
      fs.mkdirSync(worktree);
      fs.writeFileSync(path.join(worktree, '.git'), `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n`);
      expect(codexTrustFolders(worktree)).toEqual(expect.arrayContaining([worktree, main]));
      expect(codexTrustFolders(main)).toEqual(expect.arrayContaining([main]));
      expect(codexTrustFolders(main)).not.toContain(worktree);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('run Codex without its shared daemon, in a trusted worktree, with its sandbox per permission mode', () => {
    const args = (m: AgentProfile['permissionMode']) => codexAdapter.plan(context({ profile: profile('codex', m), cwd: '/w/a.b' })).args;
    expect(args('supervised')).toContain('--no-daemon');
    expect(args('supervised')).toContain('projects={"/w/a.b"={trust_level="trusted"}}');
    const sandbox = (m: AgentProfile['permissionMode']) => args(m)[args(m).indexOf('--sandbox') + 1];
    expect([sandbox('supervised'), sandbox('auto'), sandbox('plan')]).toEqual(['workspace-write', 'workspace-write', 'read-only']);
    expect(args('auto')).not.toContain('--dangerously-bypass-approvals-and-sandbox');
  });

  it("give Codex Pitwall's command hook for PreToolUse and PermissionRequest on its command line, and nothing without hooks", () => {
    const plain = codexAdapter.plan(context({ profile: profile('codex') })).args.join(' ');
    expect(plain).not.toContain('hooks.');
    const hooked = codexAdapter.plan(context({ profile: profile('codex'), hooks: { ...hooks, transport: 'command' } })).args;
    const pre = hooked.find((a) => a.startsWith('hooks.PreToolUse='));
    expect(pre).toContain(`command=${JSON.stringify(`${hooks.command} codex`)}`);
    expect(hooked.some((a) => a.startsWith('hooks.PermissionRequest='))).toBe(true);
  });

  it('fix Gemini CLI\'s session id up front and resume exactly it; trust the worktree; hooks in a system settings file of the run', () => {
    const first = geminiAdapter.plan(context({ profile: profile('gemini') }));
    expect(first.args.slice(0, 2)).toEqual(['--session-id', '0190a0a0-0000-7000-8000-000000000001']);
    expect(first.agentSessionId).toBe('0190a0a0-0000-7000-8000-000000000001');
    expect(first.env.GEMINI_CLI_TRUST_WORKSPACE).toBe('true');
    expect(first.args[first.args.indexOf('--approval-mode') + 1]).toBe('default');
    // CI=true in Pitwall's environment would make Gemini headless: a resume would exit.
    expect(first.unsetEnv).toEqual(expect.arrayContaining(['CI', 'GITHUB_ACTIONS']));
    const again = geminiAdapter.plan(context({ profile: profile('gemini'), resumeAgentSessionId: 'g-1' }));
    expect(again.args.slice(0, 2)).toEqual(['--resume', 'g-1']);
    const hooked = geminiAdapter.plan(context({ profile: profile('gemini'), hooks: { ...hooks, transport: 'command' } }));
    expect(hooked.env.GEMINI_CLI_HOME).toBe('/run/agents/s1/gemini-home');
    const settings = JSON.parse(hooked.files!['/run/agents/s1/gemini-home/.gemini/settings.json']!);
    expect(settings.hooks.BeforeTool[0].hooks[0].command).toBe(`${hooks.command} gemini`);
    // Chats go to the user's own ~/.gemini/tmp, where Pitwall reads them and a resume finds them.
    expect(hooked.links!['/run/agents/s1/gemini-home/.gemini/tmp']).toEqual({ target: '/h/.gemini/tmp', folder: true });
    // Pitwall decides every call through the hook; Gemini asks again only when Pitwall cannot answer.
    expect(hooked.args[hooked.args.indexOf('--approval-mode') + 1]).toBe('yolo');
    const plan = geminiAdapter.plan(context({ profile: profile('gemini', 'plan'), hooks: { ...hooks, transport: 'command' } }));
    expect(plan.args[plan.args.indexOf('--approval-mode') + 1]).toBe('plan');
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
