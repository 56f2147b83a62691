import path from 'node:path';
import { asCount, asRecord, asString, bounded, contentKey, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput, type ParsedMessage, type ParsedUsage } from '../parsed';
import type { LineContext, LineParser } from './line-parser';

/** Codex's `sessions/YYYY/MM/DD/rollout-*.jsonl` (and `archived_sessions/`), wrapped (`{timestamp,type,payload}`) or the older bare items. */
export interface CodexState {
  /** The id in the file's first `session_meta` (a copy under another name is the same session). */
  sessionId: string | null;
  model: string | null;
  titled: boolean;
  /** The last cumulative totals seen: what a `token_count` without `last_token_usage` is the difference from. */
  total: Counts | null;
  /** A sub-agent's rollout (`source.subagent.thread_spawn`): it starts by replaying its parent's history. */
  subagent?: boolean;
  /** The second the sub-agent was made: the replayed history is stamped with it. */
  replaySecond?: string | null;
  /** Still inside the replayed history at the start of a sub-agent's rollout. */
  replaying?: boolean;
  /** The last assistant message not yet given its response's usage (Codex writes the token count after it). */
  pendingReply?: ParsedMessage | null;
}

/** input (with cached), cached, output, reasoning, total: as Codex reports them. */
type Counts = [number, number, number, number, number];

const ROLLOUT_ID = /rollout-.*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;
/** Context Codex injects as user messages; not something the person typed. */
const INJECTED = /^\s*(<environment_context>|<user_instructions>|<permissions instructions>|# AGENTS\.md instructions|<INSTRUCTIONS>|<skills_instructions>)/;
/** What ccusage assumes for a Codex log that names no model (its documented legacy default). */
export const CODEX_DEFAULT_MODEL = 'gpt-5';

/** The session id a rollout's file name carries. */
export function codexIdFromName(file: string): string | null {
  return ROLLOUT_ID.exec(path.basename(file))?.[1] ?? null;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => {
      const block = asRecord(b);
      return block && (block.type === 'input_text' || block.type === 'output_text' || block.type === 'text') ? (asString(block.text) ?? '') : '';
    })
    .filter(Boolean)
    .join('\n');
}

function counts(usage: Record<string, unknown> | null): Counts | null {
  if (!usage) return null;
  return [asCount(usage.input_tokens), asCount(usage.cached_input_tokens ?? usage.cache_read_input_tokens), asCount(usage.output_tokens), asCount(usage.reasoning_output_tokens), asCount(usage.total_tokens)];
}

/** A model named on a token_count or turn_context (where ccusage looks for it). */
function modelIn(payload: Record<string, unknown> | null): string | null {
  const info = asRecord(payload?.info);
  const candidates = [info?.model, info?.model_name, asRecord(info?.metadata)?.model, payload?.model, asRecord(payload?.metadata)?.model];
  for (const c of candidates) {
    const name = asString(c)?.trim();
    if (name) return name;
  }
  return null;
}

/** The second (`YYYY-MM-DDTHH:MM:SS`) of a timestamp as written, or null. */
function secondOf(value: unknown): string | null {
  const at = toEpoch(value);
  return at === null ? null : new Date(at).toISOString().slice(0, 19);
}

function usageOf(key: string, at: number, model: string, c: Counts): ParsedUsage {
  const cached = Math.min(c[1], c[0]);
  return { key, timestamp: at, model, input: c[0] - cached, output: c[2], cacheRead: cached, cacheWrite: 0, merge: 'earliest' };
}

function readItem(item: Record<string, unknown>, at: number | null, line: LineContext, state: CodexState, out: ParseOutput): void {
  const type = asString(item.type);
  // Codex gives items ids (msg_…, fc_…); older rollouts do not, and their content is what they are.
  const key = asString(item.id) ?? contentKey(type, item.role ?? null, at, item.content ?? item.summary ?? item.call_id ?? null);
  if (type === 'message') {
    const role = asString(item.role);
    if (role !== 'user' && role !== 'assistant') return;
    const text = contentText(item.content).trim();
    if (!text || (role === 'user' && INJECTED.test(text))) return;
    if (role === 'user' && state.subagent) {
      // A sub-agent's "user" is the agent that spawned it.
      out.messages.push({ key, role: 'assistant', kind: 'delegation', text, sequence: line.sequence(0), timestamp: at, model: null, usageKey: null });
      return;
    }
    const message: ParsedMessage = { key, role, kind: 'text', text, sequence: line.sequence(0), timestamp: at, model: role === 'assistant' ? state.model : null, usageKey: null };
    out.messages.push(message);
    // Kept (when not huge) until the token count of its response comes, which then names it.
    state.pendingReply = role === 'assistant' && text.length <= 64 * 1024 ? message : null;
    if (role === 'user' && !state.titled) {
      state.titled = true;
      out.session.fallbackTitle = titleFrom(text);
    }
  } else if (type === 'reasoning') {
    const summary = Array.isArray(item.summary) ? item.summary.map((s) => asString(asRecord(s)?.text) ?? '').join('\n').trim() : '';
    if (summary) out.messages.push({ key, role: 'assistant', kind: 'thinking', text: summary, sequence: line.sequence(0), timestamp: at, model: state.model, usageKey: null });
  } else if (type === 'function_call' || type === 'custom_tool_call' || type === 'local_shell_call' || type === 'web_search_call' || type === 'tool_search_call') {
    const id = asString(item.call_id) ?? key;
    const input = item.arguments ?? item.input ?? item.action ?? {};
    out.toolEvents.push({ key: id, status: 'called', name: asString(item.name) ?? type.replace(/_call$/, ''), input: bounded(input), output: null, timestamp: at, sequence: line.sequence(0) });
    if (type === 'web_search_call' && asString(item.status) === 'completed') {
      out.toolEvents.push({ key: id, status: 'succeeded', name: null, input: null, output: '', timestamp: at, sequence: line.sequence(1) });
    }
  } else if (type === 'function_call_output' || type === 'custom_tool_call_output' || type === 'tool_search_output') {
    const id = asString(item.call_id);
    if (!id) return;
    const output = item.output;
    const failed = asRecord(output)?.success === false;
    out.toolEvents.push({ key: id, status: failed ? 'failed' : 'succeeded', name: null, input: null, output: bounded(asRecord(output)?.content ?? output ?? ''), timestamp: at, sequence: line.sequence(0) });
  }
}

/**
 * One response's usage from a `token_count` event. Its `last_token_usage` is the response's own;
 * without it, the difference from the previous totals (the whole totals when the counter restarted).
 * Keyed by the line's own time and totals, which a fork's copy of its parent's history repeats, and
 * which stay the same when other lines of the rollout are dropped in a rewrite. (Newer CLIs also
 * write a `token_usage_record` with the response's id before it; counting both would count it twice,
 * and a rewrite that drops one of the two would split the response, so the token_count alone counts.)
 */
function readTokenCount(payload: Record<string, unknown>, raw: unknown, line: LineContext, state: CodexState, out: ParseOutput): void {
  const info = asRecord(payload.info);
  const total = counts(asRecord(info?.total_token_usage));
  const last = counts(asRecord(info?.last_token_usage));
  if (!total && !last) return;
  const previous = state.total;
  // Codex repeats the same totals (a rate-limit update): nothing new was used.
  if (total && previous && total.every((n, i) => n === previous[i])) return;
  const model = modelIn(payload);
  if (model) state.model = model;
  if (state.replaying) {
    // A sub-agent's first lines replay its parent's history, stamped with the second it was made:
    // they are the parent's responses (counted there) and only set where the sub-agent's own totals start.
    if (secondOf(raw) === state.replaySecond) {
      if (total) state.total = total;
      return;
    }
    state.replaying = false;
  }
  if (total) state.total = total;
  let delta = last;
  if (!delta && total) delta = previous && total.every((n, i) => n >= previous[i]!) ? (total.map((n, i) => n - previous[i]!) as Counts) : total;
  if (!delta || delta.slice(0, 4).every((n) => n === 0)) return;
  const at = toEpoch(raw);
  if (at === null) {
    out.problems.push({ offset: line.offset, reason: 'token_count without a timestamp: not counted' });
    return;
  }
  const key = total ? `codex:${String(raw)}:${total.join(':')}` : `codex:${String(raw)}:last:${delta.join(':')}`;
  const name = state.model ?? CODEX_DEFAULT_MODEL;
  usedModel(out.session, name);
  out.usage.push(usageOf(key, at, name, delta));
  if (state.pendingReply) {
    out.messages.push({ ...state.pendingReply, usageKey: key, replace: true });
    state.pendingReply = null;
  }
}

export const codexParser: LineParser<CodexState> = {
  sessionIdFromPath: codexIdFromName,
  initialState: () => ({ sessionId: null, model: null, titled: false, total: null }),
  sessionId: (state) => state.sessionId,

  parseLine(value, line, state, out) {
    const entry = asRecord(value);
    if (!entry) throw new Error('not a JSON object');
    if ('record_type' in entry) return;
    const payload = asRecord(entry.payload);
    const type = asString(entry.type);
    if (!payload || !type) {
      // The older bare format: a header line, then response items without an envelope.
      if (type) readItem(entry, toEpoch(entry.timestamp), line, state, out);
      else if (asString(entry.id)) {
        state.sessionId ??= asString(entry.id);
        seenAt(out.session, toEpoch(entry.timestamp));
      } else throw new Error('neither a rollout line nor a response item');
      return;
    }
    const at = toEpoch(entry.timestamp);
    seenAt(out.session, at);
    if (type === 'session_meta') {
      // A sub-agent's rollout holds its own session_meta, then its parent's: the first one is this file's.
      if (state.sessionId) return;
      state.sessionId = asString(payload.id);
      const source = asRecord(payload.source);
      if (asRecord(asRecord(source?.subagent)?.thread_spawn)) {
        state.subagent = true;
        state.replaying = true;
        state.replaySecond = secondOf(entry.timestamp);
      }
      const cwd = asString(payload.cwd);
      if (cwd && !out.session.cwd) out.session.cwd = cwd;
    } else if (type === 'turn_context') {
      state.model = modelIn(payload) ?? state.model;
      usedModel(out.session, state.model);
      const cwd = asString(payload.cwd);
      if (cwd && !out.session.cwd) out.session.cwd = cwd;
    } else if (type === 'response_item') {
      readItem(payload, at, line, state, out);
    } else if (type === 'event_msg') {
      const kind = asString(payload.type);
      if (kind === 'thread_name_updated') {
        const name = asString(payload.thread_name) ?? asString(payload.name);
        if (name) out.session.title = name;
      } else if (kind === 'token_count') {
        readTokenCount(payload, entry.timestamp, line, state, out);
      }
    }
  },
};
