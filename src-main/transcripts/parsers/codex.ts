import path from 'node:path';
import { asCount, asRecord, asString, bounded, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput } from '../parsed';
import type { LineContext, LineParser } from './line-parser';

/** Codex's `sessions/YYYY/MM/DD/rollout-*.jsonl`, wrapped (`{timestamp,type,payload}`) or the older bare items. */
export interface CodexState {
  sessionId: string | null;
  model: string | null;
  titled: boolean;
  /** The last cumulative totals seen: token_count events repeat them, and only deltas are usage. */
  total: [number, number, number, number] | null;
}

const ROLLOUT_ID = /rollout-.*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;
/** Context Codex injects as user messages; not something the person typed. */
const INJECTED = /^\s*(<environment_context>|<user_instructions>|<permissions instructions>|# AGENTS\.md instructions|<INSTRUCTIONS>)/;

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

function totals(usage: Record<string, unknown>): [number, number, number, number] {
  const input = asCount(usage.input_tokens);
  const cached = Math.min(asCount(usage.cached_input_tokens), input);
  return [input - cached, asCount(usage.output_tokens), cached, asCount(usage.cache_write_input_tokens)];
}

function readItem(item: Record<string, unknown>, at: number | null, line: LineContext, state: CodexState, out: ParseOutput): void {
  const type = asString(item.type);
  if (type === 'message') {
    const role = asString(item.role);
    if (role !== 'user' && role !== 'assistant') return;
    const text = contentText(item.content).trim();
    if (!text || (role === 'user' && INJECTED.test(text))) return;
    out.messages.push({ key: `line-${line.offset}`, role, kind: 'text', text, sequence: line.sequence(0), timestamp: at, model: role === 'assistant' ? state.model : null, usageKey: null });
    if (role === 'user' && !state.titled) {
      state.titled = true;
      out.session.fallbackTitle = titleFrom(text);
    }
  } else if (type === 'reasoning') {
    const summary = Array.isArray(item.summary) ? item.summary.map((s) => asString(asRecord(s)?.text) ?? '').join('\n').trim() : '';
    if (summary) out.messages.push({ key: `line-${line.offset}`, role: 'assistant', kind: 'thinking', text: summary, sequence: line.sequence(0), timestamp: at, model: state.model, usageKey: null });
  } else if (type === 'function_call' || type === 'custom_tool_call' || type === 'local_shell_call' || type === 'web_search_call' || type === 'tool_search_call') {
    const id = asString(item.call_id) ?? asString(item.id) ?? `line-${line.offset}`;
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

export const codexParser: LineParser<CodexState> = {
  sessionIdFromPath: (file) => ROLLOUT_ID.exec(path.basename(file))?.[1] ?? null,
  initialState: (pathSessionId) => ({ sessionId: pathSessionId, model: null, titled: false, total: null }),
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
      state.sessionId ??= asString(payload.id);
      const cwd = asString(payload.cwd);
      if (cwd && !out.session.cwd) out.session.cwd = cwd;
    } else if (type === 'turn_context') {
      state.model = asString(payload.model) ?? state.model;
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
        const info = asRecord(payload.info);
        const total = asRecord(info?.total_token_usage);
        if (!total) return;
        const now = totals(total);
        const prev = state.total;
        if (prev && now.every((n, i) => n === prev[i])) return;
        // A fork's first snapshot carries its parent's totals: only its last call is this thread's.
        const delta = prev ? now.map((n, i) => Math.max(0, n - prev[i]!)) : totals(asRecord(info?.last_token_usage) ?? total);
        state.total = now;
        out.usage.push({
          key: `codex:${state.sessionId ?? 'unknown'}@${line.offset}`,
          timestamp: at,
          model: state.model ?? 'unknown',
          input: delta[0]!,
          output: delta[1]!,
          cacheRead: delta[2]!,
          cacheWrite: delta[3]!,
          merge: 'replace',
        });
      }
    }
  },
};
