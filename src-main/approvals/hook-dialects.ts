import type { HookAgent, HookEvent, HookVerdict } from './hook-call';

/** A CLI's hook request, read into the common model (everything but what the host adds). */
export interface ParsedHookEvent {
  event: HookEvent;
  eventName: string;
  toolName: string | null;
  toolInput: Record<string, unknown>;
  toolUseId: string | null;
  toolResponse?: unknown;
}

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

const DIALECTS: Record<HookAgent, HookDialect> = { 'claude-code': claudeCodeDialect };

/** The dialect of a CLI's hooks, or null for a name Pitwall does not speak. */
export function dialectFor(agent: string): HookDialect | null {
  return Object.hasOwn(DIALECTS, agent) ? DIALECTS[agent as HookAgent] : null;
}
