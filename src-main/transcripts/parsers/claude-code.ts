import path from 'node:path';
import { asCount, asRecord, asString, bounded, contentKey, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput } from '../parsed';
import type { LineContext, LineParser } from './line-parser';

/** Claude Code's `~/.claude/projects/<cwd>/<session>.jsonl` and its subagent files. */
export interface ClaudeState {
  /** The session id the lines carry (the first one seen); for a file under `<session>/subagents/`, the folder's. */
  sessionId: string | null;
  /** True when the path names the session (a subagent file): the lines' ids do not override it. */
  pathDecides?: boolean;
  titled: boolean;
}

const TITLE_TYPES: Record<string, string> = { summary: 'summary', 'ai-title': 'aiTitle', 'custom-title': 'customTitle' };

/** Text of a tool_result's content (a string or blocks). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => {
        const block = asRecord(b);
        return block?.type === 'text' ? (asString(block.text) ?? '') : block ? `[${String(block.type)}]` : '';
      })
      .join('\n');
  }
  return '';
}

/** The line's kind: its `type`, or, for a bare usage line (older files, ccusage's fixtures), its message's role. */
function lineType(entry: Record<string, unknown>, message: Record<string, unknown> | null): string | null {
  const type = asString(entry.type);
  if (type) return type;
  if (!message) return null;
  const role = asString(message.role);
  if (role === 'user' || role === 'assistant') return role;
  return asRecord(message.usage) ? 'assistant' : null;
}

/** A number or null: a usage field that is there at all. */
function present(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

export const claudeCodeParser: LineParser<ClaudeState> = {
  sessionIdFromPath(file) {
    const stem = path.basename(file, '.jsonl');
    // <session>/subagents/agent-<id>.jsonl belongs to <session>; a bare agent-<id>.jsonl names its session only inside.
    const dir = path.dirname(file);
    if (path.basename(dir) === 'subagents') return path.basename(path.dirname(dir));
    return stem.startsWith('agent-') ? null : stem;
  },
  initialState: (pathSessionId, file) =>
    path.basename(path.dirname(file)) === 'subagents' ? { sessionId: pathSessionId, pathDecides: true, titled: false } : { sessionId: null, titled: false },
  sessionId: (state) => state.sessionId,

  parseLine(value, line: LineContext, state, out: ParseOutput) {
    const entry = asRecord(value);
    if (!entry) throw new Error('not a JSON object');
    const message = asRecord(entry.message);
    const type = lineType(entry, message);
    if (!type) throw new Error('no "type" field');
    // The lines say which session they belong to: a copy of the file under another name is the same session.
    if (!state.sessionId && !state.pathDecides) state.sessionId = asString(entry.sessionId);

    const titleField = TITLE_TYPES[type];
    if (titleField) {
      const title = asString(entry[titleField]);
      if (title) out.session.title = title;
      return;
    }
    // progress lines carry copies of subagent messages (counted in the subagent's own file); snapshots and
    // queue operations are bookkeeping.
    if (type !== 'user' && type !== 'assistant') return;

    const at = toEpoch(entry.timestamp);
    seenAt(out.session, at);
    const cwd = asString(entry.cwd);
    // The first cwd of the file names the session's folder; however the file is read in pieces, it is the same.
    if (cwd && !out.session.cwd) out.session.cwd = cwd;
    const uuid = asString(entry.uuid) ?? contentKey(value);
    if (!message) throw new Error(`${type} line without a message`);
    const content = message.content;
    // A side conversation: a subagent's, whose "user" is the agent that delegated to it.
    const sidechain = entry.isSidechain === true;

    if (type === 'user') {
      if (entry.isMeta === true || entry.isCompactSummary === true) return;
      const texts: string[] = [];
      if (typeof content === 'string') texts.push(content);
      else if (Array.isArray(content)) {
        content.forEach((b, i) => {
          const block = asRecord(b);
          if (!block) return;
          if (block.type === 'text') texts.push(asString(block.text) ?? '');
          else if (block.type === 'tool_result') {
            const id = asString(block.tool_use_id);
            if (!id) return;
            out.toolEvents.push({
              key: id,
              status: block.is_error === true ? 'failed' : 'succeeded',
              name: null,
              input: null,
              output: bounded(resultText(block.content)),
              timestamp: at,
              sequence: line.sequence(i),
            });
          }
        });
      }
      const text = texts.join('\n').trim();
      if (!text) return;
      if (sidechain) {
        out.messages.push({ key: uuid, role: 'assistant', kind: 'delegation', text, sequence: line.sequence(0), timestamp: at, model: null, usageKey: null });
        return;
      }
      out.messages.push({ key: uuid, role: 'user', kind: 'text', text, sequence: line.sequence(0), timestamp: at, model: null, usageKey: null });
      if (!state.titled && !text.startsWith('<')) {
        state.titled = true;
        out.session.fallbackTitle = titleFrom(text);
      }
      return;
    }

    const model = asString(message.model);
    usedModel(out.session, model);
    const messageId = asString(message.id);
    const usage = asRecord(message.usage);
    let usageKey: string | null = null;
    if (usage && model !== '<synthetic>') {
      if (!present(usage.input_tokens) && !present(usage.output_tokens)) {
        out.problems.push({ offset: line.offset, reason: 'usage without token counts: not counted' });
      } else if (at === null) {
        // As ccusage: a response without a time cannot be put on a day, so it is not guessed onto one.
        out.problems.push({ offset: line.offset, reason: 'usage without a timestamp: not counted' });
      } else {
        // The same message id is the same API response, whichever line, file or side conversation repeats it.
        usageKey = messageId ? `claude:${messageId}` : `claude:${uuid}`;
        out.usage.push({
          key: usageKey,
          timestamp: at,
          model: model ?? 'unknown',
          input: asCount(usage.input_tokens),
          output: asCount(usage.output_tokens),
          cacheRead: asCount(usage.cache_read_input_tokens),
          cacheWrite: asCount(usage.cache_creation_input_tokens),
          merge: 'max',
          sidechain,
        });
      }
    }
    if (!Array.isArray(content)) return;
    content.forEach((b, i) => {
      const block = asRecord(b);
      if (!block) return;
      const key = `${uuid}#${i}`;
      if (block.type === 'text' || block.type === 'thinking') {
        const text = (asString(block.type === 'text' ? block.text : block.thinking) ?? '').trim();
        if (!text) return;
        out.messages.push({ key, role: 'assistant', kind: block.type === 'text' ? 'text' : 'thinking', text, sequence: line.sequence(i), timestamp: at, model, usageKey });
      } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
        const id = asString(block.id);
        if (!id) return;
        out.toolEvents.push({ key: id, status: 'called', name: asString(block.name) ?? 'tool', input: bounded(block.input ?? {}), output: null, timestamp: at, sequence: line.sequence(i) });
      }
    });
  },
};
