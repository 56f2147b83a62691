import type BetterSqlite3 from 'better-sqlite3';
import type { z } from 'zod';
import type {
  FileProblem,
  SessionSummary,
  Timeline,
  TimelineEntry,
  Tokens,
  UsageReport,
  sessionQuerySchema,
  usageQuerySchema,
} from '../../src-common/domain/transcript';
import { SNIPPET_HIT_CLOSE, SNIPPET_HIT_OPEN } from '../../src-common/domain/transcript';
import { AppError } from '../../src-common/result';

type SessionQuery = z.output<typeof sessionQuerySchema>;
type UsageQuery = z.output<typeof usageQuerySchema>;

interface SessionRow {
  id: string;
  source: string;
  agent_kind: string;
  title: string | null;
  status: string;
  project_id: string | null;
  project_name: string | null;
  cwd: string | null;
  models: string;
  started_at: number | null;
  ended_at: number | null;
  created_at: number;
  worktree_id: string | null;
  transcript_path: string | null;
  message_count: number;
  tool_call_count: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** A session with its counts and token totals in one statement (the list shows up to 500 of them). */
const SESSION_SELECT = `SELECT s.id, s.source, s.agent_kind, s.title, s.status, s.project_id, p.name AS project_name, s.cwd, s.models, s.started_at, s.ended_at,
    s.created_at, s.worktree_id, s.transcript_path,
    (SELECT count(*) FROM messages WHERE session_id = s.id) AS message_count,
    (SELECT count(DISTINCT coalesce(external_id, id)) FROM tool_calls WHERE session_id = s.id) AS tool_call_count,
    (SELECT coalesce(sum(input_tokens), 0) FROM usage_records WHERE session_id = s.id) AS input,
    (SELECT coalesce(sum(output_tokens), 0) FROM usage_records WHERE session_id = s.id) AS output,
    (SELECT coalesce(sum(cache_read_tokens), 0) FROM usage_records WHERE session_id = s.id) AS cache_read,
    (SELECT coalesce(sum(cache_write_tokens), 0) FROM usage_records WHERE session_id = s.id) AS cache_write
  FROM sessions s LEFT JOIN projects p ON p.id = s.project_id`;

const TIMELINE_LIMIT = 5000;

/** Turns what a person types into an FTS5 query: every word must appear (as a prefix for the last one). */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** Read side of sessions from every source: the history list, search, timelines and usage. */
export class HistoryQueries {
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    /** The zone usage days are counted in (an IANA name), to say so with the report. */
    private readonly timeZone: () => string | undefined = () => undefined,
  ) {}

  sessions(q: SessionQuery): SessionSummary[] {
    const where: string[] = ['s.deleted_at IS NULL'];
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.source) {
      where.push('s.source = @source');
      params.source = q.source;
    }
    if (q.agentKind) {
      where.push('s.agent_kind = @agentKind');
      params.agentKind = q.agentKind;
    }
    if (q.projectId) {
      where.push('s.project_id = @projectId');
      params.projectId = q.projectId;
    }
    if (q.model) {
      where.push(`EXISTS (SELECT 1 FROM json_each(s.models) WHERE value = @model)`);
      params.model = q.model;
    }
    if (q.from !== undefined) {
      where.push('coalesce(s.started_at, s.created_at) >= @from');
      params.from = q.from;
    }
    if (q.to !== undefined) {
      where.push('coalesce(s.started_at, s.created_at) < @to');
      params.to = q.to;
    }
    const match = q.query ? ftsQuery(q.query) : null;
    if (q.query && !match) return [];
    if (match) {
      // What was said, and what tools were given and gave back (a file name the agent wrote, a command's output).
      where.push(`(s.id IN (SELECT m.session_id FROM messages_fts f JOIN messages m ON m.seq = f.rowid WHERE messages_fts MATCH @match)
        OR s.id IN (SELECT t.session_id FROM tool_calls_fts f JOIN tool_calls t ON t.seq = f.rowid WHERE tool_calls_fts MATCH @match))`);
      params.match = match;
    }
    const rows = this.sqlite
      .prepare(
        `${SESSION_SELECT}
         WHERE ${where.join(' AND ')}
         ORDER BY coalesce(s.ended_at, s.started_at, s.created_at) DESC LIMIT @limit`,
      )
      .all(params) as SessionRow[];
    return rows.map((r) => this.summary(r, match));
  }

  private summary(r: SessionRow, match: string | null): SessionSummary {
    const inMessages = match
      ? (this.sqlite
          .prepare(
            `SELECT m.id AS messageId, snippet(messages_fts, 0, '${SNIPPET_HIT_OPEN}', '${SNIPPET_HIT_CLOSE}', '…', 16) AS snippet
             FROM messages_fts f JOIN messages m ON m.seq = f.rowid
             WHERE messages_fts MATCH @match AND m.session_id = @id ORDER BY m.sequence LIMIT 3`,
          )
          .all({ match, id: r.id }) as { messageId: string; snippet: string }[])
      : [];
    // A tool call's hit names the call's first row, which is the id its timeline entry has.
    const inTools =
      match && inMessages.length < 3
        ? (this.sqlite
            .prepare(
              `SELECT (SELECT t2.id FROM tool_calls t2 WHERE t2.session_id = t.session_id AND coalesce(t2.external_id, t2.id) = coalesce(t.external_id, t.id) ORDER BY t2.seq LIMIT 1) AS messageId,
                 snippet(tool_calls_fts, -1, '${SNIPPET_HIT_OPEN}', '${SNIPPET_HIT_CLOSE}', '…', 16) AS snippet
               FROM tool_calls_fts f JOIN tool_calls t ON t.seq = f.rowid
               WHERE tool_calls_fts MATCH @match AND t.session_id = @id ORDER BY t.seq LIMIT 3`,
            )
            .all({ match, id: r.id }) as { messageId: string; snippet: string }[])
        : [];
    const hits = [...inMessages, ...inTools.filter((h, i) => inTools.findIndex((o) => o.messageId === h.messageId) === i)].slice(0, 3);
    return {
      id: r.id,
      source: r.source,
      agentKind: r.agent_kind,
      title: r.title,
      status: r.status,
      projectId: r.project_id,
      projectName: r.project_name,
      cwd: r.cwd,
      models: JSON.parse(r.models) as string[],
      startedAt: r.started_at,
      endedAt: r.ended_at,
      messageCount: r.message_count,
      toolCallCount: r.tool_call_count,
      tokens: { input: r.input, output: r.output, cacheRead: r.cache_read, cacheWrite: r.cache_write },
      hits,
    };
  }

  timeline(sessionId: string): Timeline {
    const row = this.sqlite
      .prepare(
        `${SESSION_SELECT} WHERE s.id = ? AND s.deleted_at IS NULL`,
      )
      .get(sessionId) as SessionRow | undefined;
    if (!row) throw new AppError('not_found', 'No such session');
    const messages = this.sqlite
      .prepare(
        `SELECT m.id, m.role, m.kind, m.text, m.timestamp, m.model, m.usage_key, m.sequence, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens
         FROM messages m LEFT JOIN usage_records u ON u.key = m.usage_key AND u.session_id = m.session_id
         WHERE m.session_id = ? ORDER BY coalesce(m.timestamp, 0), m.sequence LIMIT ${TIMELINE_LIMIT + 1}`,
      )
      .all(sessionId) as {
      id: string;
      role: 'user' | 'assistant';
      kind: 'text' | 'thinking' | 'delegation';
      text: string;
      timestamp: number | null;
      model: string | null;
      usage_key: string | null;
      sequence: number;
      input_tokens: number | null;
      output_tokens: number | null;
      cache_read_tokens: number | null;
      cache_write_tokens: number | null;
    }[];
    // A response split over several rows shows its tokens once, on its last row.
    const lastOfUsage = new Map<string, string>();
    for (const m of messages) if (m.usage_key) lastOfUsage.set(m.usage_key, m.id);
    const entries: (TimelineEntry & { order: [number, number] })[] = messages.slice(0, TIMELINE_LIMIT).map((m) => ({
      type: 'message',
      id: m.id,
      role: m.role,
      kind: m.kind,
      text: m.text,
      timestamp: m.timestamp,
      model: m.model,
      tokens:
        m.usage_key && lastOfUsage.get(m.usage_key) === m.id && m.input_tokens !== null
          ? { input: m.input_tokens, output: m.output_tokens ?? 0, cacheRead: m.cache_read_tokens ?? 0, cacheWrite: m.cache_write_tokens ?? 0 }
          : null,
      order: [m.timestamp ?? 0, m.sequence],
    }));
    const tools = this.sqlite
      .prepare(`SELECT id, external_id, name, input, output_summary, status, created_at, turn FROM tool_calls WHERE session_id = ? ORDER BY seq LIMIT ${TIMELINE_LIMIT}`)
      .all(sessionId) as { id: string; external_id: string | null; name: string; input: string; output_summary: string | null; status: string; created_at: number; turn: number | null }[];
    // A tool call is several rows (requested, answered; or the hook's decided, completed): one entry each.
    const byCall = new Map<string, TimelineEntry & { type: 'tool'; order: [number, number] }>();
    for (const t of tools) {
      const key = t.external_id ?? t.id;
      const entry = byCall.get(key);
      if (!entry) {
        byCall.set(key, { type: 'tool', id: t.id, name: t.name, input: t.input, output: t.output_summary, status: t.status, timestamp: t.created_at, order: [t.created_at, t.turn ?? 0] });
        continue;
      }
      if (t.output_summary !== null) entry.output = t.output_summary;
      if (t.input && t.input !== '{}' && (entry.input === '{}' || !entry.input)) entry.input = t.input;
      entry.status = t.status;
    }
    const all = [...entries, ...byCall.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
    this.placeUnlinkedUsage(sessionId, all, new Set(messages.map((m) => m.usage_key).filter((k): k is string => k !== null)));
    return {
      session: this.summary(row, null),
      worktreeId: row.worktree_id,
      transcriptPath: row.transcript_path,
      entries: all.map(({ order: _order, ...e }) => e as TimelineEntry),
      truncated: messages.length > TIMELINE_LIMIT,
    };
  }

  /**
   * Responses whose messages do not name them (Codex reports usage after a response, in a line of its
   * own) show their tokens on the response's last entry: the latest assistant message or tool call at
   * or before the usage, and after the previous response's.
   */
  private placeUnlinkedUsage(sessionId: string, entries: (TimelineEntry & { order: [number, number] })[], linked: Set<string>): void {
    const usages = (
      this.sqlite
        .prepare(`SELECT key, at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM usage_records WHERE session_id = ? AND at IS NOT NULL ORDER BY at, key`)
        .all(sessionId) as { key: string; at: number; input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number }[]
    ).filter((u) => !linked.has(u.key));
    if (usages.length === 0) return;
    let previous = -Infinity;
    let next = 0;
    for (const u of usages) {
      let target: (TimelineEntry & { order: [number, number] }) | null = null;
      while (next < entries.length && entries[next]!.order[0] <= u.at) {
        const e = entries[next]!;
        if (e.order[0] > previous && !e.tokens && (e.type === 'tool' || (e.role === 'assistant' && e.kind !== 'delegation'))) target = e;
        next++;
      }
      previous = u.at;
      if (!target) continue;
      target.tokens = { input: u.input_tokens, output: u.output_tokens, cacheRead: u.cache_read_tokens, cacheWrite: u.cache_write_tokens };
    }
  }

  usage(q: UsageQuery): UsageReport {
    const params = { from: q.from, to: q.to };
    const sums = `coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cache_read_tokens), 0) AS cacheRead,
      coalesce(sum(cache_write_tokens), 0) AS cacheWrite, coalesce(sum(responses), 0) AS responses`;
    const by = (column: string) =>
      this.sqlite.prepare(`SELECT ${column} AS key, ${sums} FROM usage_daily WHERE day >= @from AND day <= @to GROUP BY ${column} ORDER BY output DESC`).all(params) as (Tokens & { key: string; responses: number })[];
    const names = new Map((this.sqlite.prepare(`SELECT id, name FROM projects`).all() as { id: string; name: string }[]).map((p) => [p.id, p.name]));
    return {
      days: this.sqlite.prepare(`SELECT day, ${sums} FROM usage_daily WHERE day >= @from AND day <= @to GROUP BY day ORDER BY day`).all(params) as UsageReport['days'],
      byAgent: by('agent_kind'),
      byModel: by('model'),
      byProject: by('project_key').map((r) => ({ ...r, name: r.key ? (names.get(r.key) ?? 'removed project') : 'no project' })),
      ...(this.timeZone() ? { timeZone: this.timeZone() } : {}),
    };
  }

  problems(): FileProblem[] {
    const rows = this.sqlite
      .prepare(`SELECT path, source, status, problem_count, problems, updated_at FROM transcript_files WHERE problem_count > 0 OR status != 'ok' ORDER BY updated_at DESC LIMIT 500`)
      .all() as { path: string; source: string; status: string; problem_count: number; problems: string; updated_at: number }[];
    return rows.map((r) => ({ path: r.path, source: r.source, status: r.status, problemCount: r.problem_count, problems: JSON.parse(r.problems) as FileProblem['problems'], updatedAt: r.updated_at }));
  }
}
