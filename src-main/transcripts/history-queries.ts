import type BetterSqlite3 from 'better-sqlite3';
import type { z } from 'zod';
import { PRICE_TABLE_SOURCE, costOf, type PriceOverrides } from '../../src-common/pricing/price-table';
import type {
  FileProblem,
  HistoryFacets,
  ToolDetail,
  SessionPage,
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
import { toolPreview } from '../../src-common/tool-preview';

type SessionQuery = Omit<z.output<typeof sessionQuerySchema>, 'offset'> & { offset?: number };
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
}

interface UsageRow {
  session_id: string;
  model: string;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** A session with its counts, read from the totals the write side keeps (migration session_totals). */
const SESSION_SELECT = `SELECT s.id, s.source, s.agent_kind, s.title, s.status, s.project_id, p.name AS project_name, s.cwd, s.models, s.started_at, s.ended_at,
    s.created_at, s.worktree_id, s.transcript_path, coalesce(c.messages, 0) AS message_count, coalesce(c.tool_calls, 0) AS tool_call_count
  FROM sessions s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN session_counts c ON c.session_id = s.id`;
const RECENCY = 'coalesce(s.ended_at, s.started_at, s.created_at)';

const TIMELINE_LIMIT = 5000;
/** Characters of a tool's input and output a timeline carries; the rest is asked for when the call is opened. */
const TOOL_CLIP = 300;
/** Characters of a tool's input read for its preview. */
const PREVIEW_HEAD = 8000;
/**
 * A search reads at most this many matching rows per table, newest first: a word in every message
 * of a year of history is counted up to here (and said to be more), so it answers as fast as a rare one.
 */
const HIT_CAP = 2000;
const SNIPPETS_PER_SESSION = 3;
/** Shortest last word searched as a prefix; shorter ones must match whole words (a prefix of one or two letters matches most of the index). */
const MIN_PREFIX = 3;

/**
 * Turns what a person types into an FTS5 query: every word must appear, the last one as a prefix
 * when it is long enough; text in double quotes is a phrase.
 */
export function ftsQuery(text: string): string | null {
  const parts: string[] = [];
  const phrase = /"([^"]*)"/g;
  let rest = text;
  for (const m of text.matchAll(phrase)) {
    const words = m[1]!.match(/[\p{L}\p{N}_]+/gu) ?? [];
    if (words.length > 0) parts.push(`"${words.join(' ')}"`);
    rest = rest.replace(m[0], ' ');
  }
  const words = rest.match(/[\p{L}\p{N}_]+/gu) ?? [];
  words.forEach((w, i) => parts.push(`"${w}"${i === words.length - 1 && w.length >= MIN_PREFIX && !/\s$/.test(text) ? '*' : ''}`));
  return parts.length === 0 ? null : parts.join(' ');
}

/** Interruption markers and command wrappers a transcript's first line may be, rather than what was asked. */
const NOT_A_TITLE = /^\s*(\[Request interrupted[^\]]*\]|<local-command-stdout>|<command-(message|name|args)>|Caveat: The messages below)/;

/** A title as a person would write it: command tags turned into the command, markers skipped (null). */
export function cleanTitle(raw: string | null): string | null {
  if (!raw) return null;
  const name = /<command-name>([^<]*)<\/command-name>/.exec(raw)?.[1]?.trim();
  if (name) {
    const args = /<command-args>([^<]*)<\/command-args>/.exec(raw)?.[1]?.trim();
    return args ? `${name} ${args}` : name;
  }
  if (NOT_A_TITLE.test(raw)) return null;
  const text = raw.replace(/<[^>]{1,40}>/g, ' ').replace(/\s+/g, ' ').trim();
  return text || null;
}

const SNIPPET_CHARS = 180;

/** A pattern for the words of an FTS query (the last one as a prefix when the query says so), matching whole words. */
export function snippetPattern(match: string): RegExp {
  const parts = [...match.matchAll(/"([^"]+)"(\*?)/g)].flatMap((m) => {
    const words = m[1]!.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return words.map((w, i) => (m[2] && i === words.length - 1 ? `${w}[\\p{L}\\p{N}_]*` : w));
  });
  return new RegExp(`(?<![\\p{L}\\p{N}_])(${parts.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
}

/** Tool input as words: JSON's keys and values without its punctuation (no parse: inputs can be large). */
function toolInputText(input: string): string {
  return input.slice(0, 20_000).replace(/\\n|\\t|[{}"[\],]/g, ' ');
}

/** About {@link SNIPPET_CHARS} characters of plain text around the first match, every match in it wrapped in {@link SNIPPET_HIT_OPEN} … {@link SNIPPET_HIT_CLOSE}. */
export function snippetOf(text: string, pattern: RegExp): string {
  // Only the neighbourhood of the first match is cleaned: a message can be very long.
  pattern.lastIndex = 0;
  const rawAt = pattern.exec(text)?.index ?? 0;
  const from = Math.max(0, rawAt - SNIPPET_CHARS * 2);
  const raw = (from > 0 ? ' ' : '') + text.slice(from, rawAt + SNIPPET_CHARS * 3);
  const cutEnd = rawAt + SNIPPET_CHARS * 3 < text.length;
  // Markdown marks and runs of white space say nothing in a one-line excerpt.
  const plain = raw.replace(/```[a-z]*|[*_`#>]+|\[([^\]]*)\]\([^)]*\)/gi, (m, label: string | undefined) => label ?? ' ').replace(/\s+/g, ' ').trim();
  pattern.lastIndex = 0;
  const first = pattern.exec(plain);
  const at = first ? first.index : 0;
  let start = Math.max(0, at - Math.floor(SNIPPET_CHARS / 3));
  if (start > 0) {
    const space = plain.indexOf(' ', start);
    if (space !== -1 && space < at) start = space + 1;
  }
  let end = Math.min(plain.length, start + SNIPPET_CHARS);
  if (end < plain.length) {
    const space = plain.lastIndexOf(' ', end);
    if (space > at) end = space;
  }
  pattern.lastIndex = 0;
  const window = plain.slice(start, end).replace(pattern, (m) => `${SNIPPET_HIT_OPEN}${m}${SNIPPET_HIT_CLOSE}`);
  return `${start > 0 || from > 0 ? '…' : ''}${window}${end < plain.length || cutEnd ? '…' : ''}`;
}

/** A candidate session of a search, and what matched in it. */
interface Matched {
  score: number;
  hits: number;
  messageRows: number[];
  toolRows: number[];
}

/** Read side of sessions from every source: the history list, search, timelines and usage. */
export class HistoryQueries {
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    /** The zone usage days are counted in (an IANA name), to say so with the report. */
    private readonly timeZone: () => string | undefined = () => undefined,
  ) {}

  /** A page of sessions (the list without its count). */
  sessions(q: SessionQuery, prices: PriceOverrides = {}): SessionSummary[] {
    return this.list(q, prices).sessions;
  }

  /** A page of sessions, newest first or, for a search, best match first; with the count of all that match. */
  list(q: SessionQuery, prices: PriceOverrides = {}): SessionPage {
    const where: string[] = ['s.deleted_at IS NULL'];
    const params: Record<string, unknown> = {};
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
    if (q.folder !== undefined) {
      where.push('s.project_id IS NULL AND coalesce(s.cwd, \'\') = @folder');
      params.folder = q.folder;
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
    const offset = q.offset ?? 0;
    const text = q.query?.trim() ?? '';
    if (!text) {
      const total = (this.sqlite.prepare(`SELECT count(*) AS n FROM sessions s WHERE ${where.join(' AND ')}`).get(params) as { n: number }).n;
      const rows = this.sqlite
        .prepare(`${SESSION_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${RECENCY} DESC, s.id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit, offset }) as SessionRow[];
      return { sessions: this.summaries(rows, null, prices), total, offset, hits: null, scope: null };
    }
    const letters = text.match(/[\p{L}\p{N}_]/gu) ?? [];
    const match = letters.length >= 2 ? ftsQuery(text) : null;
    // What matched, by session: titles and folders always; messages and tool calls unless a single letter was typed.
    const matched = new Map<string, Matched>();
    let hitCount = 0;
    let capped = false;
    const needle = text.toLowerCase().replace(/["\\%_]/g, (c) => `\\${c}`);
    const titled = this.sqlite
      .prepare(
        letters.length < 2
          ? `SELECT id FROM sessions WHERE deleted_at IS NULL AND (' ' || lower(coalesce(title, '')) LIKE @word ESCAPE '\\' OR lower(coalesce(cwd, '')) LIKE @word2 ESCAPE '\\')`
          : `SELECT id FROM sessions WHERE deleted_at IS NULL AND (lower(coalesce(title, '')) LIKE @any ESCAPE '\\' OR lower(coalesce(cwd, '')) LIKE @any ESCAPE '\\')`,
      )
      .all(letters.length < 2 ? { word: `% ${needle}%`, word2: `%/${needle}%` } : { any: `%${needle}%` }) as { id: string }[];
    for (const { id } of titled) matched.set(id, { score: -1000, hits: 0, messageRows: [], toolRows: [] });
    if (match) {
      const [messageHits, messagesCapped] = this.matches('messages_fts', 'messages', match);
      const [toolHits, toolsCapped] = this.matches('tool_calls_fts', 'tool_calls', match);
      capped = messagesCapped || toolsCapped;
      for (const [hits, key] of [[messageHits, 'messageRows'], [toolHits, 'toolRows']] as const) {
        for (const h of hits) {
          let m = matched.get(h.sid);
          if (!m) matched.set(h.sid, (m = { score: 0, hits: 0, messageRows: [], toolRows: [] }));
          m.hits++;
          // bm25 is negative, lower is better: a session ranks by its best hits, a little by how many.
          m.score = Math.min(m.score, h.rank) - 0.01;
          m[key].push(h.seq);
        }
      }
    }
    if (matched.size === 0) return { sessions: [], total: 0, offset, hits: { count: 0, capped: false }, scope: match ? 'all' : 'titles' };
    where.push('s.id IN (SELECT value FROM json_each(@ids))');
    const candidates = this.sqlite
      .prepare(`SELECT s.id, ${RECENCY} AS at FROM sessions s WHERE ${where.join(' AND ')}`)
      .all({ ...params, ids: JSON.stringify([...matched.keys()]) }) as { id: string; at: number }[];
    candidates.sort((a, b) => matched.get(a.id)!.score - matched.get(b.id)!.score || b.at - a.at);
    for (const c of candidates) hitCount += matched.get(c.id)!.hits;
    const page = candidates.slice(offset, offset + q.limit).map((c) => c.id);
    const rows = page.length
      ? (this.sqlite.prepare(`${SESSION_SELECT} WHERE s.id IN (SELECT value FROM json_each(@ids))`).all({ ids: JSON.stringify(page) }) as SessionRow[])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = page.map((id) => byId.get(id)).filter((r): r is SessionRow => r !== undefined);
    const snippets = match ? this.snippets(match, ordered.map((r) => matched.get(r.id)!)) : new Map<number, string>();
    const hitsOf = new Map<string, { hits: SessionSummary['hits']; count: number }>();
    for (const r of ordered) {
      const m = matched.get(r.id)!;
      const list: SessionSummary['hits'] = [];
      for (const seq of m.messageRows.slice(-SNIPPETS_PER_SESSION).reverse()) {
        const snippet = snippets.get(seq);
        const id = this.messageIds.get(seq);
        if (snippet && id) list.push({ messageId: id, snippet });
      }
      for (const seq of m.toolRows.slice(-SNIPPETS_PER_SESSION).reverse()) {
        if (list.length >= SNIPPETS_PER_SESSION) break;
        const snippet = snippets.get(-seq);
        const id = this.toolEntryIds.get(seq);
        if (snippet && id && !list.some((h) => h.messageId === id)) list.push({ messageId: id, snippet });
      }
      hitsOf.set(r.id, { hits: list, count: m.hits });
    }
    return {
      sessions: this.summaries(ordered, hitsOf, prices),
      total: candidates.length,
      offset,
      hits: { count: hitCount, capped },
      scope: match ? 'all' : 'titles',
    };
  }

  /**
   * The newest matching rows of one FTS table, up to {@link HIT_CAP}, with their session. Ranked
   * by bm25 when they are all there is; a word too common for that ranks its newest rows by time.
   */
  private matches(fts: 'messages_fts' | 'tool_calls_fts', table: 'messages' | 'tool_calls', match: string): [{ sid: string; seq: number; rank: number }[], boolean] {
    const rows = this.sqlite
      .prepare(`SELECT x.session_id AS sid, f.rowid AS seq FROM ${fts} f JOIN ${table} x ON x.seq = f.rowid WHERE ${fts} MATCH @match ORDER BY f.rowid DESC LIMIT ${HIT_CAP}`)
      .all({ match }) as { sid: string; seq: number }[];
    if (rows.length >= HIT_CAP) return [rows.map((r, i) => ({ ...r, rank: -1 + i / HIT_CAP })), true];
    if (rows.length === 0) return [[], false];
    const ranks = this.sqlite.prepare(`SELECT rowid AS seq, rank FROM ${fts} WHERE ${fts} MATCH @match`).all({ match }) as { seq: number; rank: number }[];
    const rankOf = new Map(ranks.map((r) => [r.seq, r.rank]));
    return [rows.map((r) => ({ ...r, rank: rankOf.get(r.seq) ?? 0 })), false];
  }

  private readonly messageIds = new Map<number, string>();
  private readonly toolEntryIds = new Map<number, string>();

  /** Every snippet a page shows, in two statements: message rows by seq, tool rows by -seq. */
  private snippets(match: string, page: Matched[]): Map<number, string> {
    this.messageIds.clear();
    this.toolEntryIds.clear();
    const messageRows = page.flatMap((m) => m.messageRows.slice(-SNIPPETS_PER_SESSION));
    const toolRows = page.flatMap((m) => m.toolRows.slice(-SNIPPETS_PER_SESSION));
    const out = new Map<number, string>();
    // Snippets are cut here from the rows' text (a primary-key read each): FTS5's snippet() tokenizes
    // the whole document, which for a common word in a long message costs a millisecond a row.
    const terms = snippetPattern(match);
    if (messageRows.length) {
      const one = this.sqlite.prepare(`SELECT id, text FROM messages WHERE seq = ?`);
      for (const seq of messageRows) {
        const r = one.get(seq) as { id: string; text: string } | undefined;
        if (!r) continue;
        out.set(seq, snippetOf(r.text, terms));
        this.messageIds.set(seq, r.id);
      }
    }
    if (toolRows.length) {
      const one = this.sqlite.prepare(`SELECT id, session_id, external_id, name, input, output_summary FROM tool_calls WHERE seq = ?`);
      // A tool call's hit names the call's first row, which is the id its timeline entry has.
      const first = this.sqlite.prepare(`SELECT id FROM tool_calls WHERE session_id = ? AND external_id = ? ORDER BY seq LIMIT 1`);
      for (const seq of toolRows) {
        const r = one.get(seq) as { id: string; session_id: string; external_id: string | null; name: string; input: string; output_summary: string | null } | undefined;
        if (!r) continue;
        const id = r.external_id ? ((first.get(r.session_id, r.external_id) as { id: string } | undefined)?.id ?? r.id) : r.id;
        out.set(-seq, `${r.name}: ${snippetOf(`${toolInputText(r.input)} ${r.output_summary ?? ''}`, terms)}`);
        this.toolEntryIds.set(seq, id);
      }
    }
    return out;
  }

  /** Rows as summaries: token totals and cost from the per-model totals, titles made readable, in three statements for a page. */
  private summaries(
    rows: SessionRow[],
    hits: Map<string, { hits: SessionSummary['hits']; count: number }> | null,
    prices: PriceOverrides,
  ): SessionSummary[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const usage = this.sqlite
      .prepare(
        `SELECT session_id, model, input_tokens AS input, output_tokens AS output, cache_read_tokens AS cache_read, cache_write_tokens AS cache_write
         FROM session_usage WHERE session_id IN (SELECT value FROM json_each(@ids))`,
      )
      .all({ ids }) as UsageRow[];
    const bySession = new Map<string, UsageRow[]>();
    for (const u of usage) bySession.set(u.session_id, [...(bySession.get(u.session_id) ?? []), u]);
    // A title that is an interruption marker or a command's wrapper gives way to the first real prompt.
    const untitled = rows.filter((r) => cleanTitle(r.title) === null).map((r) => r.id);
    const prompts = new Map<string, string>();
    if (untitled.length) {
      const firsts = this.sqlite
        .prepare(
          `SELECT session_id AS id, text FROM messages WHERE session_id IN (SELECT value FROM json_each(@ids)) AND role = 'user' AND kind = 'text' AND sequence < 400 ORDER BY session_id, sequence`,
        )
        .all({ ids: JSON.stringify(untitled) }) as { id: string; text: string }[];
      for (const f of firsts) {
        if (prompts.has(f.id)) continue;
        const title = cleanTitle(f.text.slice(0, 300));
        if (title) prompts.set(f.id, title.slice(0, 200));
      }
    }
    return rows.map((r) => {
      const models = bySession.get(r.id) ?? [];
      const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      let cost: number | null = null;
      for (const m of models) {
        tokens.input += m.input;
        tokens.output += m.output;
        tokens.cacheRead += m.cache_read;
        tokens.cacheWrite += m.cache_write;
        const c = costOf(m.model, { input: m.input, output: m.output, cacheRead: m.cache_read, cacheWrite: m.cache_write }, prices);
        if (c) cost = (cost ?? 0) + c.total;
      }
      const found = hits?.get(r.id);
      return {
        id: r.id,
        source: r.source,
        agentKind: r.agent_kind,
        title: cleanTitle(r.title) ?? prompts.get(r.id) ?? null,
        status: r.status,
        projectId: r.project_id,
        projectName: r.project_name,
        cwd: r.cwd,
        models: JSON.parse(r.models) as string[],
        startedAt: r.started_at,
        endedAt: r.ended_at,
        messageCount: r.message_count,
        toolCallCount: r.tool_call_count,
        tokens,
        cost,
        hits: found?.hits ?? [],
        ...(found ? { hitCount: found.count } : {}),
      };
    });
  }

  /** Every value the filters can take, from all sessions (not the page shown), with counts. */
  facets(): HistoryFacets {
    const pairs = (sql: string) => this.sqlite.prepare(sql).all() as { key: string; count: number }[];
    return {
      sources: pairs(`SELECT source AS key, count(*) AS count FROM sessions WHERE deleted_at IS NULL GROUP BY source ORDER BY count DESC`),
      agents: pairs(`SELECT agent_kind AS key, count(*) AS count FROM sessions WHERE deleted_at IS NULL GROUP BY agent_kind ORDER BY count DESC`),
      models: pairs(`SELECT j.value AS key, count(*) AS count FROM sessions s, json_each(s.models) j WHERE s.deleted_at IS NULL GROUP BY j.value ORDER BY count DESC`),
      projects: this.sqlite
        .prepare(`SELECT p.id, p.name, count(s.id) AS count FROM projects p LEFT JOIN sessions s ON s.project_id = p.id AND s.deleted_at IS NULL WHERE p.deleted_at IS NULL GROUP BY p.id ORDER BY p.name`)
        .all() as HistoryFacets['projects'],
      folders: this.sqlite
        .prepare(`SELECT coalesce(cwd, '') AS path, count(*) AS count FROM sessions WHERE deleted_at IS NULL AND project_id IS NULL GROUP BY coalesce(cwd, '') ORDER BY count DESC, path`)
        .all() as HistoryFacets['folders'],
    };
  }

  timeline(sessionId: string, prices: PriceOverrides = {}): Timeline {
    const row = this.sqlite.prepare(`${SESSION_SELECT} WHERE s.id = ? AND s.deleted_at IS NULL`).get(sessionId) as SessionRow | undefined;
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
      // Only the heads of inputs and outputs (a Write's input holds a whole file): the preview and the clip need no more.
      .prepare(
        `SELECT id, external_id, name, substr(input, 1, ${PREVIEW_HEAD}) AS input,
           substr(output_summary, 1, ${TOOL_CLIP + 1}) AS output_summary, status, created_at, turn FROM tool_calls WHERE session_id = ? ORDER BY seq LIMIT ${TIMELINE_LIMIT}`,
      )
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
    for (const entry of byCall.values()) {
      entry.preview = toolPreview(entry.input);
      if (entry.input.length > TOOL_CLIP || (entry.output?.length ?? 0) > TOOL_CLIP) {
        entry.clipped = true;
        entry.input = entry.input.slice(0, TOOL_CLIP);
        entry.output = entry.output?.slice(0, TOOL_CLIP) ?? null;
      }
    }
    const all = [...entries, ...byCall.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
    this.placeUnlinkedUsage(sessionId, all, new Set(messages.map((m) => m.usage_key).filter((k): k is string => k !== null)));
    return {
      session: this.summaries([row], null, prices)[0]!,
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

  /** Tokens and dollars per day, agent, model, project (or folder) and session over a range of days. */
  usage(q: UsageQuery, prices: PriceOverrides = {}): UsageReport {
    const params = { from: q.from, to: q.to };
    type Row = { day: string; agent: string; model: string; project: string; input: number; output: number; cacheRead: number; cacheWrite: number; responses: number };
    type Sum = Tokens & { responses: number; cost: number; cacheCost: number };
    const rows = this.sqlite
      .prepare(
        `SELECT day, agent_kind AS agent, model, project_key AS project, input_tokens AS input, output_tokens AS output, cache_read_tokens AS cacheRead,
           cache_write_tokens AS cacheWrite, responses FROM usage_daily WHERE day >= @from AND day <= @to AND responses > 0`,
      )
      .all(params) as Row[];
    const unpriced = new Set<string>();
    const add = (into: Map<string, Sum>, key: string, r: Omit<Row, 'day' | 'agent' | 'project'>) => {
      const sum = into.get(key) ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, responses: 0, cost: 0, cacheCost: 0 };
      sum.input += r.input;
      sum.output += r.output;
      sum.cacheRead += r.cacheRead;
      sum.cacheWrite += r.cacheWrite;
      sum.responses += r.responses;
      const cost = costOf(r.model, r, prices);
      if (cost) {
        sum.cost += cost.base;
        sum.cacheCost += cost.cache;
      } else if (r.input + r.output + r.cacheRead + r.cacheWrite > 0) unpriced.add(r.model);
      into.set(key, sum);
    };
    const days = new Map<string, Sum>();
    const agents = new Map<string, Sum>();
    const models = new Map<string, Sum>();
    const projects = new Map<string, Sum>();
    for (const r of rows) {
      add(days, r.day, r);
      add(agents, r.agent, r);
      add(models, r.model, r);
      if (r.project) add(projects, r.project, r);
    }
    // Sessions of no project go by folder, and the costliest sessions are named: from the per-session
    // totals for sessions whose usage lies inside the range, and from the usage records (by session,
    // an index) for the few that cross its ends.
    const span = this.sqlite.prepare(`SELECT min(day) AS first, max(day) AS last FROM usage_daily WHERE responses > 0`).get() as { first: string | null; last: string | null };
    const inside = this.sqlite
      .prepare(
        `SELECT session_id AS id, model, input_tokens AS input, output_tokens AS output, cache_read_tokens AS cacheRead, cache_write_tokens AS cacheWrite, responses
         FROM session_usage WHERE responses > 0 AND first_day >= @from AND last_day <= @to`,
      )
      .all(params) as (Omit<Row, 'day' | 'agent' | 'project'> & { id: string })[];
    const crossing = this.sqlite
      .prepare(
        `SELECT u.session_id AS id, u.model, sum(u.input_tokens) AS input, sum(u.output_tokens) AS output, sum(u.cache_read_tokens) AS cacheRead, sum(u.cache_write_tokens) AS cacheWrite, count(*) AS responses
         FROM usage_records u WHERE u.session_id IN (SELECT DISTINCT session_id FROM session_usage WHERE responses > 0 AND first_day <= @to AND last_day >= @from AND (first_day < @from OR last_day > @to))
           AND u.day >= @from AND u.day <= @to GROUP BY u.session_id, u.model`,
      )
      .all(params) as (Omit<Row, 'day' | 'agent' | 'project'> & { id: string })[];
    const perSession = [...inside, ...crossing];
    // Only the sessions with usage in the range, by primary key: a week's report reads a week's sessions.
    const ids = JSON.stringify([...new Set(perSession.map((r) => r.id))]);
    const info = new Map(
      (
        this.sqlite.prepare(`SELECT id, project_id AS project, coalesce(cwd, '') AS cwd, title FROM sessions WHERE id IN (SELECT value FROM json_each(?))`).all(ids) as {
          id: string;
          project: string | null;
          cwd: string;
          title: string | null;
        }[]
      ).map((s) => [s.id, s]),
    );
    const sessions = new Map<string, Sum>();
    for (const r of perSession) {
      add(sessions, r.id, r);
      const s = info.get(r.id);
      if (s && !s.project) add(projects, `folder:${s.cwd}`, r);
    }
    const names = new Map((this.sqlite.prepare(`SELECT id, name FROM projects`).all() as { id: string; name: string }[]).map((p) => [p.id, p.name]));
    const rounded = (sum: Sum): Sum => ({ ...sum, cost: Math.round(sum.cost * 1e6) / 1e6, cacheCost: Math.round(sum.cacheCost * 1e6) / 1e6 });
    const ranked = (m: Map<string, Sum>) =>
      [...m.entries()].map(([key, sum]) => ({ key, ...rounded(sum) })).sort((a, b) => b.cost + b.cacheCost - (a.cost + a.cacheCost) || b.output - a.output);
    const folderName = (path: string) => (path ? path.replace(/\/+$/, '').split(/[\\/]/).slice(-2).join('/') : 'no folder');
    return {
      days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, sum]) => ({ day, ...rounded(sum) })),
      byAgent: ranked(agents),
      byModel: ranked(models),
      byProject: ranked(projects).map((r) => ({ ...r, name: r.key.startsWith('folder:') ? folderName(r.key.slice(7)) : (names.get(r.key) ?? 'removed project') })),
      bySession: ranked(sessions)
        .slice(0, 20)
        .map((r) => ({ ...r, name: cleanTitle(info.get(r.key)?.title ?? null) ?? folderName(info.get(r.key)?.cwd ?? '') })),
      pricing: { source: PRICE_TABLE_SOURCE.name, date: PRICE_TABLE_SOURCE.date, unpriced: [...unpriced].sort() },
      span: span.first && span.last ? { first: span.first, last: span.last } : null,
      ...(this.timeZone() ? { timeZone: this.timeZone() } : {}),
    };
  }

  /** The whole input and output of one tool call (its timeline entry's id), merged over the call's rows as the timeline does. */
  tool(sessionId: string, id: string): ToolDetail {
    const head = this.sqlite.prepare(`SELECT external_id FROM tool_calls WHERE session_id = ? AND id = ?`).get(sessionId, id) as { external_id: string | null } | undefined;
    if (!head) throw new AppError('not_found', 'No such tool call');
    const rows = (
      head.external_id
        ? this.sqlite.prepare(`SELECT input, output_summary FROM tool_calls WHERE session_id = ? AND external_id = ? ORDER BY seq`).all(sessionId, head.external_id)
        : this.sqlite.prepare(`SELECT input, output_summary FROM tool_calls WHERE id = ?`).all(id)
    ) as { input: string; output_summary: string | null }[];
    let input = '{}';
    let output: string | null = null;
    for (const r of rows) {
      if (r.output_summary !== null) output = r.output_summary;
      if (r.input && r.input !== '{}' && (input === '{}' || !input)) input = r.input;
    }
    return { id, input, output };
  }

  problems(): FileProblem[] {
    const rows = this.sqlite
      .prepare(`SELECT path, source, status, problem_count, problems, updated_at FROM transcript_files WHERE problem_count > 0 OR status != 'ok' ORDER BY updated_at DESC LIMIT 500`)
      .all() as { path: string; source: string; status: string; problem_count: number; problems: string; updated_at: number }[];
    return rows.map((r) => ({ path: r.path, source: r.source, status: r.status, problemCount: r.problem_count, problems: JSON.parse(r.problems) as FileProblem['problems'], updatedAt: r.updated_at }));
  }
}
