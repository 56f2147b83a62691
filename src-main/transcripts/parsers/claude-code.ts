import path from 'node:path';
import { asCount, asRecord, asString, bounded, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput } from '../parsed';
import type { LineContext, LineParser } from './line-parser';

/** Claude Code's `~/.claude/projects/<cwd>/<session>.jsonl` and its subagent files. */
export interface ClaudeState {
  sessionId: string | null;
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

export const claudeCodeParser: LineParser<ClaudeState> = {
  sessionIdFromPath(file) {
    const stem = path.basename(file, '.jsonl');
    // <session>/subagents/agent-<id>.jsonl belongs to <session>; a bare agent-<id>.jsonl names its session only inside.
    const dir = path.dirname(file);
    if (path.basename(dir) === 'subagents') return path.basename(path.dirname(dir));
    return stem.startsWith('agent-') ? null : stem;
  },
  initialState: (pathSessionId) => ({ sessionId: pathSessionId, titled: false }),
  sessionId: (state) => state.sessionId,

  parseLine(value, line: LineContext, state, out: ParseOutput) {
    const entry = asRecord(value);
    if (!entry) throw new Error('not a JSON object');
    const type = asString(entry.type);
    if (!type) throw new Error('no "type" field');
    if (!state.sessionId) state.sessionId = asString(entry.sessionId);

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
    const uuid = asString(entry.uuid) ?? `offset-${line.offset}`;
    const message = asRecord(entry.message);
    if (!message) throw new Error(`${type} line without a message`);
    const content = message.content;

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
    const requestId = asString(entry.requestId);
    const usageKey = messageId ? `claude:${messageId}:${requestId ?? ''}` : null;
    const usage = asRecord(message.usage);
    if (usageKey && usage && model !== '<synthetic>') {
      out.usage.push({
        key: usageKey,
        timestamp: at,
        model: model ?? 'unknown',
        input: asCount(usage.input_tokens),
        output: asCount(usage.output_tokens),
        cacheRead: asCount(usage.cache_read_input_tokens),
        cacheWrite: asCount(usage.cache_creation_input_tokens),
        merge: 'max',
      });
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
