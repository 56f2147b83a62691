import type { HookAgent, HookEvent, HookVerdict, ParsedHookEvent } from './hook-call';

/** How one CLI's hooks talk: what its requests mean and how it wants to be answered. */
export interface HookDialect {
  readonly agent: HookAgent;
  /** Reads a request body (already JSON-parsed); null when it is not one of this CLI's hook events. Never throws. */
  parse(body: unknown): ParsedHookEvent | null;
  /** The answer body for an event: a verdict for `pre-tool`, nothing to say for the rest. */
  answer(event: ParsedHookEvent, verdict: HookVerdict | null): object;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const CLAUDE_EVENTS: Record<string, HookEvent> = {
  PreToolUse: 'pre-tool',
  PostToolUse: 'post-tool',
  Notification: 'notification',
  Stop: 'stop',
  UserPromptSubmit: 'prompt',
};

/** Claude Code: the same JSON for command hooks (stdin/stdout) and HTTP hooks (POST body/response body). */
export const claudeCodeDialect: HookDialect = {
  agent: 'claude-code',
  parse(body) {
    if (!isRecord(body)) return null;
    const eventName = str(body.hook_event_name);
    if (!eventName) return null;
    return {
      event: CLAUDE_EVENTS[eventName] ?? 'other',
      eventName,
      toolName: str(body.tool_name),
      toolInput: isRecord(body.tool_input) ? body.tool_input : {},
      toolUseId: str(body.tool_use_id),
      ...('tool_response' in body ? { toolResponse: body.tool_response } : {}),
    };
  },
  answer(event, verdict) {
    if (event.event !== 'pre-tool' || !verdict) return {};
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: verdict.decision, permissionDecisionReason: verdict.reason } };
  },
};

const CODEX_EVENTS: Record<string, HookEvent> = {
  PreToolUse: 'pre-tool',
  PermissionRequest: 'pre-tool',
  PostToolUse: 'post-tool',
  Stop: 'stop',
  UserPromptSubmit: 'prompt',
};

/**
 * Codex CLI (0.169, command hooks only): the request looks like Claude Code's (`Bash` with
 * `{ command }`, `apply_patch`, MCP tools). A PreToolUse hook can only block (`allow` and `ask` are
 * not decisions there), so a PreToolUse that Pitwall cannot settle with "allow" is denied: with no
 * prompt of Codex's own to fall back to (it runs sandboxed commands unasked), denying is the only
 * answer that allows nothing silently. A PermissionRequest (an escalation Codex would prompt for)
 * answers allow or deny, and "ask" says nothing, so Codex's own prompt asks.
 */
export const codexDialect: HookDialect = {
  agent: 'codex',
  parse(body) {
    const parsed = claudeCodeDialect.parse(body);
    if (!parsed) return null;
    return { ...parsed, event: CODEX_EVENTS[parsed.eventName] ?? 'other' };
  },
  answer(event, verdict) {
    if (event.event !== 'pre-tool' || !verdict) return {};
    if (event.eventName === 'PermissionRequest') {
      if (verdict.decision === 'ask') return {};
      return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: verdict.decision === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: verdict.reason } } };
    }
    // Printing nothing lets the call go on; allow is the only verdict that may.
    if (verdict.decision === 'allow') return {};
    const reason = verdict.decision === 'ask' ? `${verdict.reason} (Codex cannot ask in its terminal here, so the call is not run)` : verdict.reason;
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
  },
};

const GEMINI_EVENTS: Record<string, HookEvent> = {
  BeforeTool: 'pre-tool',
  AfterTool: 'post-tool',
  Notification: 'notification',
  AfterAgent: 'stop',
  BeforeAgent: 'prompt',
};

/** Gemini CLI's tools under the names Pitwall's rules use, with their input in that shape. */
function geminiTool(name: string | null, input: Record<string, unknown>): { toolName: string | null; toolInput: Record<string, unknown> } {
  switch (name) {
    case 'run_shell_command':
      return { toolName: 'Bash', toolInput: { ...input, command: input.command } };
    case 'write_file':
      return { toolName: 'Write', toolInput: { ...input, file_path: input.file_path ?? input.absolute_path } };
    case 'replace':
      return { toolName: 'Edit', toolInput: { ...input, file_path: input.file_path, old_string: input.old_string, new_string: input.new_string } };
    case 'read_file':
      return { toolName: 'Read', toolInput: { ...input, file_path: input.file_path ?? input.absolute_path } };
    default:
      return { toolName: name, toolInput: input };
  }
}

/**
 * Gemini CLI (0.61, command hooks): BeforeTool / AfterTool with `tool_name` and `tool_input` in
 * Gemini's own names (mapped to Pitwall's); no id per tool call. BeforeTool answers with a top-level
 * `decision`: `deny` blocks, `ask` makes Gemini show its own confirmation whatever its approval
 * mode, and saying nothing leaves the call to that mode.
 */
export const geminiDialect: HookDialect = {
  agent: 'gemini',
  parse(body) {
    if (!isRecord(body)) return null;
    const eventName = str(body.hook_event_name);
    if (!eventName) return null;
    const { toolName, toolInput } = geminiTool(str(body.tool_name), isRecord(body.tool_input) ? body.tool_input : {});
    return {
      event: GEMINI_EVENTS[eventName] ?? 'other',
      eventName,
      toolName,
      toolInput,
      toolUseId: null,
      ...('tool_response' in body ? { toolResponse: body.tool_response } : {}),
    };
  },
  answer(event, verdict) {
    if (event.event !== 'pre-tool' || !verdict) return {};
    if (verdict.decision === 'allow') return { decision: 'allow', reason: verdict.reason };
    return { decision: verdict.decision, reason: verdict.reason, ...(verdict.decision === 'ask' ? { systemMessage: verdict.reason } : {}) };
  },
};

const DIALECTS: Record<HookAgent, HookDialect> = { 'claude-code': claudeCodeDialect, codex: codexDialect, gemini: geminiDialect };

/** The dialect of a CLI's hooks, or null for a name Pitwall does not speak. */
export function dialectFor(agent: string): HookDialect | null {
  return Object.hasOwn(DIALECTS, agent) ? DIALECTS[agent as HookAgent] : null;
}
