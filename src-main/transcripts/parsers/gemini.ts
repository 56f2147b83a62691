import path from 'node:path';
import { asCount, asRecord, asString, bounded, emptyOutput, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput } from '../parsed';
import type { LineParser } from './line-parser';

/**
 * Gemini CLI's chats under `~/.gemini/tmp/<project hash>/chats/`: `session-*.jsonl` (a metadata line, then
 * message records; a later record with the same id replaces the earlier one) and the older whole-file `.json`.
 */
export interface GeminiState {
  sessionId: string | null;
  titled: boolean;
  /** A subagent's chat (`chats/<parent session>/<id>.jsonl`), which belongs to its parent's session. */
  subagent?: boolean;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => asString(asRecord(p)?.text) ?? '').join('');
  return '';
}

/**
 * What a tool call gave back: what the CLI showed (`resultDisplay`), else what the model was given
 * (`result`: the function responses' output or error). An empty display is no output.
 */
export function geminiToolOutput(call: Record<string, unknown>): string {
  const display = call.resultDisplay;
  const shown = displayText(display);
  if (shown !== null && shown.trim() !== '') return shown;
  const parts = Array.isArray(call.result) ? call.result : call.result === undefined || call.result === null ? [] : [call.result];
  const texts = parts.map((p) => {
    if (typeof p === 'string') return p;
    const response = asRecord(asRecord(asRecord(p)?.functionResponse)?.response);
    if (!response) return asString(asRecord(p)?.text) ?? '';
    const said = response.output ?? response.error ?? response.content ?? response.llmContent;
    return typeof said === 'string' ? said : said === undefined ? JSON.stringify(response) : JSON.stringify(said);
  });
  const result = texts.filter((t) => t !== '').join('\n');
  // Something shown that Pitwall cannot read as text is kept as it came, rather than nothing.
  return result === '' && display && shown === null ? bounded(display) : result;
}

/**
 * What Gemini showed for a tool's result, as text: a string; a terminal screen (lines of styled
 * tokens, from the shell tool) as its lines; a file edit as its diff. Null for anything else.
 */
function displayText(display: unknown): string | null {
  if (typeof display === 'string') return display;
  if (Array.isArray(display)) {
    const lines = display.map((line) => (Array.isArray(line) ? line.map((token) => asString(asRecord(token)?.text) ?? '').join('') : typeof line === 'string' ? line : ''));
    return lines
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  }
  const record = asRecord(display);
  if (!record) return null;
  return asString(record.fileDiff) ?? asString(record.output) ?? asString(record.content) ?? null;
}

/** Reads one message record; `sequence` orders its rows. */
function readRecord(record: Record<string, unknown>, sessionId: string, sequence: (part: number) => number, state: GeminiState, out: ParseOutput): void {
  const id = asString(record.id);
  const type = asString(record.type);
  if (!id || !type) throw new Error('a record without "id" or "type"');
  const at = toEpoch(record.timestamp);
  seenAt(out.session, at);
  if (type === 'user') {
    const text = textOf(record.content).trim();
    if (!text) return;
    if (state.subagent) {
      // A subagent's chat: its "user" is the agent that delegated to it.
      out.messages.push({ key: id, role: 'assistant', kind: 'delegation', text, sequence: sequence(0), timestamp: at, model: null, usageKey: null, replace: true });
      return;
    }
    out.messages.push({ key: id, role: 'user', kind: 'text', text, sequence: sequence(0), timestamp: at, model: null, usageKey: null, replace: true });
    if (!state.titled) {
      state.titled = true;
      out.session.fallbackTitle = titleFrom(text);
    }
    return;
  }
  if (type !== 'gemini') return; // info, error and warning records are the CLI's own notices
  const model = asString(record.model);
  usedModel(out.session, model);
  const tokens = asRecord(record.tokens);
  let usageKey = tokens ? `gemini:${sessionId}:${id}` : null;
  if (tokens && at === null) {
    out.problems.push({ offset: 0, reason: `message ${id}: usage without a timestamp: not counted` });
    usageKey = null;
  }
  if (tokens && usageKey && at !== null) {
    const input = asCount(tokens.input);
    const cached = Math.min(asCount(tokens.cached), input);
    out.usage.push({ key: usageKey, timestamp: at, model: model ?? 'unknown', input: input - cached, output: asCount(tokens.output) + asCount(tokens.thoughts), cacheRead: cached, cacheWrite: 0, merge: 'replace' });
  }
  const thoughts = Array.isArray(record.thoughts)
    ? record.thoughts.map((t) => [asString(asRecord(t)?.subject), asString(asRecord(t)?.description)].filter(Boolean).join(': ')).filter(Boolean).join('\n')
    : '';
  if (thoughts) out.messages.push({ key: `${id}#thoughts`, role: 'assistant', kind: 'thinking', text: thoughts, sequence: sequence(0), timestamp: at, model, usageKey: null, replace: true });
  const text = textOf(record.content).trim();
  if (text) out.messages.push({ key: id, role: 'assistant', kind: 'text', text, sequence: sequence(1), timestamp: at, model, usageKey, replace: true });
  const calls = Array.isArray(record.toolCalls) ? record.toolCalls : [];
  calls.forEach((c, i) => {
    const call = asRecord(c);
    const callId = asString(call?.id);
    if (!call || !callId) return;
    const callAt = toEpoch(call.timestamp) ?? at;
    const name = asString(call.name) ?? 'tool';
    out.toolEvents.push({ key: callId, status: 'called', name, input: bounded(call.args ?? {}), output: null, timestamp: callAt, sequence: sequence(2 + i) });
    const status = asString(call.status);
    if (status === 'success' || status === 'error' || status === 'cancelled') {
      out.toolEvents.push({ key: callId, status: status === 'success' ? 'succeeded' : 'failed', name, input: null, output: bounded(geminiToolOutput(call)), timestamp: callAt, sequence: sequence(2 + i) });
    }
  });
}

export const geminiParser: LineParser<GeminiState> = {
  sessionIdFromPath(file) {
    // chats/<parent session>/<id>.jsonl is a subagent's chat: it belongs to the parent's session.
    const dir = path.dirname(file);
    return path.basename(path.dirname(dir)) === 'chats' ? path.basename(dir) : null;
  },
  initialState: (pathSessionId) => (pathSessionId ? { sessionId: pathSessionId, titled: false, subagent: true } : { sessionId: null, titled: false }),
  sessionId: (state) => state.sessionId,
  parseLine(value, line, state, out) {
    const entry = asRecord(value);
    if (!entry) throw new Error('not a JSON object');
    if ('$set' in entry) {
      const summary = asString(asRecord(entry.$set)?.summary);
      if (summary) out.session.title = summary;
      return;
    }
    if ('$rewindTo' in entry) return; // Pitwall keeps what was said, even when the CLI rewinds it
    if (!('id' in entry) && asString(entry.sessionId)) {
      state.sessionId ??= asString(entry.sessionId);
      seenAt(out.session, toEpoch(entry.startTime));
      const summary = asString(entry.summary);
      if (summary) out.session.title = summary;
      return;
    }
    readRecord(entry, state.sessionId ?? 'unknown', line.sequence, state, out);
  },
};

/** Parses a whole legacy `.json` chat file. */
export function parseGeminiSession(data: unknown, fileSessionId: string | null): ParseOutput & { sessionId: string } {
  const session = asRecord(data);
  if (!session || !Array.isArray(session.messages)) throw new Error('not a Gemini chat (no "messages" list)');
  const sessionId = asString(session.sessionId) ?? fileSessionId ?? 'unknown';
  const out = emptyOutput();
  const state: GeminiState = { sessionId, titled: false };
  seenAt(out.session, toEpoch(session.startTime));
  seenAt(out.session, toEpoch(session.lastUpdated));
  const summary = asString(session.summary);
  if (summary) out.session.title = summary;
  session.messages.forEach((m, i) => {
    const record = asRecord(m);
    if (!record) {
      out.problems.push({ offset: 0, reason: `message ${i} is not an object` });
      return;
    }
    try {
      readRecord(record, sessionId, (part) => i * 64 + Math.min(part, 63), state, out);
    } catch (error) {
      out.problems.push({ offset: 0, reason: `message ${i}: ${(error as Error).message}` });
    }
  });
  return { ...out, sessionId };
}
