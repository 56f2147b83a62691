import path from 'node:path';
import type { PermissionMode } from '../../src-common/domain/agent';
import { RULE_SCOPES, type PermissionRule, type RuleEffect } from '../../src-common/domain/approval';
import { hasRedirection, splitCommand } from './bash-command';
import { commandGlob, pathGlob } from './glob';

/** A tool call as the broker sees it. */
export interface ToolCallContext {
  toolName: string;
  input: Record<string, unknown>;
  /** The agent's worktree (path rules are relative to it). */
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

/** Tools that only read; `plan` mode lets these through and nothing else. */
export const READ_ONLY_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead', 'WebFetch', 'WebSearch', 'TodoWrite', 'TodoRead', 'Task', 'ExitPlanMode', 'BashOutput']);

const PATH_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'Read', 'NotebookEdit', 'NotebookRead']);

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

function targetPath(call: ToolCallContext): string | null {
  const raw = call.input.file_path ?? call.input.notebook_path ?? call.input.path;
  if (typeof raw !== 'string') return null;
  if (!call.cwd || !path.isAbsolute(raw)) return raw;
  const rel = path.relative(call.cwd, raw);
  // Outside the worktree the absolute path is what a rule must name.
  return rel.startsWith('..') || path.isAbsolute(rel) ? raw : rel.split(path.sep).join('/');
}

/** True when a non-Bash rule's pattern covers the call's input. */
function inputMatches(rule: PermissionRule, call: ToolCallContext): boolean {
  if (rule.pattern === null) return true;
  if (PATH_TOOLS.has(call.toolName)) {
    const target = targetPath(call);
    if (target === null) return false;
    // Relative patterns speak of the worktree; only an absolute pattern reaches outside it.
    if (path.isAbsolute(target) !== rule.pattern.startsWith('/')) return false;
    return pathGlob(rule.pattern).test(target);
  }
  const glob = commandGlob(rule.pattern);
  return Object.values(call.input).some((v) => typeof v === 'string' && glob.test(v));
}

/** True when a Bash rule's pattern covers one simple command. */
function partMatches(rule: PermissionRule, part: string, forAllow: boolean): boolean {
  if (rule.pattern === null) return true;
  if (forAllow && hasRedirection(part) && !rule.pattern.includes('>')) return false;
  return commandGlob(rule.pattern).test(part);
}

function mostSpecific(rules: PermissionRule[]): PermissionRule | null {
  return [...rules].sort((a, b) => RULE_SCOPES.indexOf(b.scope) - RULE_SCOPES.indexOf(a.scope))[0] ?? null;
}

function describe(rule: PermissionRule): string {
  return `${rule.effect} rule ${rule.toolName}${rule.pattern ? ` "${rule.pattern}"` : ''} (${rule.scope})`;
}

/**
 * Decides a tool call from the rules: deny beats ask beats allow; within an effect the most
 * specific scope is the one reported. For Bash, deny and ask match when any simple command of a
 * compound line matches, and allow only when every one does (and none hides a command substitution).
 * Without a matching rule the profile's mode decides.
 */
export function evaluate(allRules: PermissionRule[], call: ToolCallContext, mode: PermissionMode): Evaluation {
  const rules = allRules.filter((r) => applies(r, call) && toolMatches(r.toolName, call.toolName));
  const byEffect = (effect: RuleEffect) => rules.filter((r) => r.effect === effect);

  let matched: Record<RuleEffect, PermissionRule[]>;
  if (call.toolName === 'Bash' && typeof call.input.command === 'string') {
    const { parts, opaque } = splitCommand(call.input.command);
    const any = (effect: RuleEffect) => byEffect(effect).filter((r) => r.pattern === null || parts.some((p) => partMatches(r, p, false)) || commandGlob(r.pattern).test(call.input.command as string));
    const allowRules = byEffect('allow');
    const everyPartAllowed = !opaque && parts.length > 0 && parts.every((p) => allowRules.some((r) => partMatches(r, p, true)));
    const allowMatches = everyPartAllowed ? allowRules.filter((r) => parts.some((p) => partMatches(r, p, true))) : allowRules.filter((r) => r.pattern === null && !opaque);
    matched = { deny: any('deny'), ask: any('ask'), allow: allowMatches };
  } else {
    matched = { deny: byEffect('deny').filter((r) => inputMatches(r, call)), ask: byEffect('ask').filter((r) => inputMatches(r, call)), allow: byEffect('allow').filter((r) => inputMatches(r, call)) };
  }

  for (const effect of ['deny', 'ask', 'allow'] as const) {
    const rule = mostSpecific(matched[effect]);
    if (rule) return { effect, rule, reason: `Matched ${describe(rule)}` };
  }
  if (mode === 'auto') return { effect: 'allow', rule: null, reason: 'Allowed by auto mode' };
  if (mode === 'plan') {
    return READ_ONLY_TOOLS.has(call.toolName)
      ? { effect: 'allow', rule: null, reason: 'Plan mode allows reading' }
      : { effect: 'deny', rule: null, reason: 'Plan mode allows no writes or commands' };
  }
  return { effect: 'ask', rule: null, reason: 'Supervised mode asks for anything not allowed by a rule' };
}
