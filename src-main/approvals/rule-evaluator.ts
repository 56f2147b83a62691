import type { PermissionMode } from '../../src-common/domain/agent';
import { RULE_SCOPES, type PermissionRule, type RuleEffect } from '../../src-common/domain/approval';
import { commandsToCheck } from './command-candidates';
import { isHarmlessRedirection, matchCommand, parseCommandPattern, type CommandPattern, type MatchMode } from './command-pattern';
import { compilePathPattern } from './path-pattern';
import { memoRealPath, resolveToolPath } from './path-resolution';
import { parseCommandLine } from './shell-parser';
import type { ParsedCommandLine, SimpleCommand } from './shell-syntax';
import { textGlob, toolPaths, toolTexts } from './tool-input';

/** A tool call as the broker sees it. */
export interface ToolCallContext {
  toolName: string;
  input: Record<string, unknown>;
  /** The agent's worktree (relative paths and relative path rules are about it). */
  cwd: string | null;
  projectId: string | null;
  sessionId: string | null;
}

/** The verdict for one tool call and why. */
export interface Evaluation {
  effect: RuleEffect;
  rule: PermissionRule | null;
  reason: string;
}

/** Tools that only read local state; `plan` mode lets these through. */
export const READ_ONLY_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead', 'TodoWrite', 'TodoRead', 'Task', 'BashOutput']);
/**
 * Tools `plan` mode asks about rather than refuses: outbound requests (WebFetch, WebSearch send
 * data off the machine, so they are not read-only) and leaving plan mode, which is the user's call.
 */
export const PLAN_MODE_ASKS = new Set(['WebFetch', 'WebSearch', 'ExitPlanMode']);

function toolMatches(ruleTool: string, toolName: string): boolean {
  if (ruleTool === '*') return true;
  if (ruleTool.endsWith('*')) return toolName.startsWith(ruleTool.slice(0, -1));
  return ruleTool === toolName;
}

function applies(rule: PermissionRule, call: ToolCallContext): boolean {
  if (rule.scope === 'project') return rule.projectId !== null && rule.projectId === call.projectId;
  if (rule.scope === 'session') return rule.sessionId !== null && rule.sessionId === call.sessionId;
  return true;
}

type Matched = Record<RuleEffect, PermissionRule[]>;

/** A newline between commands is the same as `;`. */
function sameOperator(a: string, b: string): boolean {
  return (a === '\n' ? ';' : a) === (b === '\n' ? ';' : b);
}

/** Runs of consecutive commands (at one depth) that a pattern of several commands matches, as index lists. */
function runs(pattern: CommandPattern, commands: SimpleCommand[], mode: MatchMode): number[][] {
  const found: number[][] = [];
  const k = pattern.commands.length;
  for (let depth = 0; depth <= Math.max(0, ...commands.map((c) => c.depth)); depth++) {
    const at = commands.map((c, i) => [c, i] as const).filter(([c]) => c.depth === depth);
    for (let s = 0; s + k <= at.length; s++) {
      const ok = pattern.commands.every((p, j) => matchCommand(p, at[s + j]![0], mode) && (j === k - 1 || sameOperator(at[s + j]![0].next, p.next)));
      if (ok) found.push(at.slice(s, s + k).map(([, i]) => i));
    }
  }
  return found;
}

/** Deny and ask: any simple command of the line (nested, wrapped or given as text included) is hit. */
function bashHits(rule: PermissionRule, line: ParsedCommandLine, checks: SimpleCommand[]): boolean {
  if (rule.pattern === null) return true;
  const pattern = parseCommandPattern(rule.pattern);
  if (pattern.commands.length === 0) return false;
  if (pattern.commands.length === 1) return checks.some((c) => matchCommand(pattern.commands[0]!, c, 'block'));
  return runs(pattern, line.commands, 'block').length > 0;
}

/** Allow: every simple command is covered by some allow rule, and nothing runs unseen. Returns the rules used. */
function bashAllowedBy(rules: PermissionRule[], line: ParsedCommandLine): PermissionRule[] {
  if (line.opaque.length > 0 || rules.length === 0) return [];
  const commands = line.commands;
  if (commands.length === 0) return rules.filter((r) => r.pattern === null);
  // A compound command's closing word with only harmless redirections (`done 2>/dev/null`) needs no rule.
  const covered = commands.map((c) => c.words.length === 0 && c.assignments.length === 0 && c.redirections.every(isHarmlessRedirection));
  const used: PermissionRule[] = [];
  for (const rule of rules) {
    let hit = false;
    if (rule.pattern === null) {
      covered.fill(true);
      hit = true;
    } else {
      const pattern = parseCommandPattern(rule.pattern);
      if (pattern.commands.length === 1) {
        commands.forEach((c, i) => {
          if (matchCommand(pattern.commands[0]!, c, 'allow')) covered[i] = hit = true;
        });
      } else if (pattern.commands.length > 1) {
        for (const run of runs(pattern, commands, 'allow')) for (const i of run) covered[i] = hit = true;
      }
    }
    if (hit) used.push(rule);
  }
  return covered.every(Boolean) ? used : [];
}

function matchBash(rules: PermissionRule[], command: string): { matched: Matched; unsure: string | null } {
  const line = parseCommandLine(command);
  const checks = commandsToCheck(line);
  const of = (effect: RuleEffect) => rules.filter((r) => r.effect === effect);
  return {
    matched: { deny: of('deny').filter((r) => bashHits(r, line, checks)), ask: of('ask').filter((r) => bashHits(r, line, checks)), allow: bashAllowedBy(of('allow'), line) },
    unsure: line.complete ? null : 'The command is nested too deeply to check; it needs a decision',
  };
}

function matchPaths(rules: PermissionRule[], call: ToolCallContext, raw: string[]): Matched {
  const resolved = raw.map((p) => resolveToolPath(p, call.cwd));
  const real = memoRealPath();
  const tests = new Map(rules.map((r) => [r, r.pattern === null ? () => true : (compilePathPattern(r.pattern, call.cwd, undefined, real) ?? (() => false))]));
  const of = (effect: RuleEffect) => rules.filter((r) => r.effect === effect);
  const hits = (r: PermissionRule) => r.pattern === null || resolved.some((p) => p !== null && tests.get(r)!(p));
  // Every path must be allowed by some rule; an unresolvable path only by a rule for any input.
  const allowRules = of('allow');
  const coveredBy = resolved.map((p) => allowRules.filter((r) => r.pattern === null || (p !== null && tests.get(r)!(p))));
  const allow = coveredBy.every((rs) => rs.length > 0) ? [...new Set(coveredBy.flat())] : [];
  return { deny: of('deny').filter(hits), ask: of('ask').filter(hits), allow };
}

function matchTexts(rules: PermissionRule[], call: ToolCallContext): Matched {
  const { primary, all } = toolTexts(call.toolName, call.input);
  const of = (effect: RuleEffect) => rules.filter((r) => r.effect === effect);
  const hits = (r: PermissionRule) => r.pattern === null || all.some((t) => textGlob(r.pattern!).test(t));
  const covers = (r: PermissionRule) => {
    if (r.pattern === null) return true;
    const texts = primary ?? all;
    return texts.length > 0 && texts.every((t) => textGlob(r.pattern!).test(t));
  };
  return { deny: of('deny').filter(hits), ask: of('ask').filter(hits), allow: of('allow').filter(covers) };
}

function mostSpecific(rules: PermissionRule[]): PermissionRule | null {
  return [...rules].sort((a, b) => RULE_SCOPES.indexOf(b.scope) - RULE_SCOPES.indexOf(a.scope))[0] ?? null;
}

function describe(rule: PermissionRule): string {
  return `${rule.effect} rule ${rule.toolName}${rule.pattern ? ` "${rule.pattern}"` : ''} (${rule.scope})`;
}

/**
 * Decides a tool call from the rules: deny beats ask beats allow; within an effect the most
 * specific scope is the one reported. Bash commands are parsed ({@link parseCommandLine}): deny
 * and ask hit when any simple command matches, nested and wrapped ones included; allow needs
 * every simple command covered and nothing that runs unseen. Paths are resolved (against the
 * session folder, `..` and symlinks followed) before any path rule sees them. Without a
 * matching rule the profile's mode decides.
 */
export function evaluate(allRules: PermissionRule[], call: ToolCallContext, mode: PermissionMode): Evaluation {
  const rules = allRules.filter((r) => applies(r, call) && toolMatches(r.toolName, call.toolName));
  let matched: Matched;
  let unsure: string | null = null;
  if (call.toolName === 'Bash' && typeof call.input.command === 'string') {
    ({ matched, unsure } = matchBash(rules, call.input.command));
  } else {
    const paths = toolPaths(call.toolName, call.input, call.cwd);
    matched = paths ? matchPaths(rules, call, paths) : matchTexts(rules, call);
  }

  for (const effect of ['deny', 'ask', 'allow'] as const) {
    if (effect === 'allow' && unsure) return { effect: 'ask', rule: null, reason: unsure };
    const rule = mostSpecific(matched[effect]);
    if (rule) return { effect, rule, reason: `Matched ${describe(rule)}` };
  }
  if (unsure) return { effect: 'ask', rule: null, reason: unsure };
  if (mode === 'auto') return { effect: 'allow', rule: null, reason: 'Allowed by auto mode' };
  if (mode === 'plan') {
    if (READ_ONLY_TOOLS.has(call.toolName)) return { effect: 'allow', rule: null, reason: 'Plan mode allows reading' };
    if (PLAN_MODE_ASKS.has(call.toolName)) return { effect: 'ask', rule: null, reason: `Plan mode asks before ${call.toolName === 'ExitPlanMode' ? 'leaving plan mode' : 'a request leaves the machine'}` };
    return { effect: 'deny', rule: null, reason: 'Plan mode allows no writes or commands' };
  }
  return { effect: 'ask', rule: null, reason: 'Supervised mode asks for anything not allowed by a rule' };
}
