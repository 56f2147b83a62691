import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TimelineEntry, Tokens } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows, StatusBadge } from '../components/common';
import { Markdown } from '../components/markdown';
import { VirtualList, type ScrollRequest } from '../components/virtual-list';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { plural } from '../format';
import { formatCompact, formatDateTime, formatInteger, formatUsd } from '../number-format';

/** 12345 -> "12.3K". */
export function formatTokens(n: number): string {
  return formatCompact(n);
}

function tokenLine(t: Tokens): string {
  const parts = [`${formatTokens(t.input)} in`, `${formatTokens(t.output)} out`];
  if (t.cacheRead) parts.push(`${formatTokens(t.cacheRead)} cache read`);
  if (t.cacheWrite) parts.push(`${formatTokens(t.cacheWrite)} cache write`);
  return parts.join(' · ');
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A pattern matching any of `words` (case-insensitive), or null for none. */
function wordsPattern(words: string[]): RegExp | null {
  const clean = words.map((w) => w.trim()).filter((w) => w.length > 0);
  if (clean.length === 0) return null;
  return new RegExp(clean.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
}

/** Text with the matches of `pattern` marked. */
function Marked({ text, pattern }: { text: string; pattern: RegExp | null }) {
  if (!pattern) return <>{text}</>;
  const parts: (string | { m: string })[] = [];
  let last = 0;
  // A copy: `exec` moves a global pattern's `lastIndex`, and the prop is shared by every entry.
  const re = new RegExp(pattern);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[0] !== '') {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ m: m[0] });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts.map((p, i) => (typeof p === 'string' ? p : <mark key={i}>{p.m}</mark>))}</>;
}

/** A tool call: name, status and a preview; input and output built only once it is opened (and fetched whole when the timeline clipped them). */
function ToolEntry({ entry, sessionId, pattern }: { entry: Extract<TimelineEntry, { type: 'tool' }>; sessionId: string; pattern: RegExp | null }) {
  const [open, setOpen] = useState(false);
  const [whole, setWhole] = useState<{ input: string; output: string | null } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!open || !entry.clipped || whole) return;
    let live = true;
    void getClient()
      .api.history.tool({ sessionId, id: entry.id })
      .then((r) => {
        if (!live) return;
        if (r.ok) setWhole({ input: r.value.input, output: r.value.output });
        else setFailed(r.error.message);
      });
    return () => {
      live = false;
    };
  }, [open, entry.clipped, entry.id, sessionId, whole]);
  const input = whole?.input ?? entry.input;
  const output = whole ? whole.output : entry.output;
  return (
    <div className="tl-tool">
      <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          <span className="mono">{entry.name}</span> <StatusBadge status={entry.status} />
          {entry.preview ? (
            <span className="mono small tool-preview" title={entry.preview}>
              <Marked text={entry.preview} pattern={pattern} />
            </span>
          ) : null}
          <span className="small muted"> {formatDateTime(entry.timestamp)}</span>
          {entry.tokens ? <span className="small muted tokens" title="Tokens of the response that made this call">{tokenLine(entry.tokens)}</span> : null}
        </summary>
        {open ? (
          <>
            {failed ? <p className="field-error">{failed}</p> : null}
            {entry.clipped && !whole && !failed ? <p className="small muted">Loading all of it…</p> : null}
            <div className="small muted">Input</div>
            <pre>
              <Marked text={prettyJson(input)} pattern={pattern} />
            </pre>
            {output !== null ? (
              <>
                <div className="small muted">Output</div>
                <pre>
                  <Marked text={output} pattern={pattern} />
                </pre>
              </>
            ) : null}
          </>
        ) : null}
      </details>
    </div>
  );
}

function Entry({ entry, sessionId, pattern, focused }: { entry: TimelineEntry; sessionId: string; pattern: RegExp | null; focused: boolean }) {
  const focus = focused ? ' tl-focus' : '';
  if (entry.type === 'tool') {
    return (
      <div className={`tl-row${focus}`} data-entry={entry.id}>
        <ToolEntry entry={entry} sessionId={sessionId} pattern={pattern} />
      </div>
    );
  }
  if (entry.kind === 'thinking' || entry.kind === 'delegation') {
    return (
      <div className={`tl-row${focus} ${entry.kind === 'thinking' ? 'tl-thinking' : 'tl-delegation'}`} data-entry={entry.id}>
        <details open={focused || undefined}>
          <summary className="small">
            {entry.kind === 'thinking' ? <span className="muted">Thinking</span> : <strong>Delegated to a subagent</strong>} <span className="muted">{formatDateTime(entry.timestamp)}</span>
          </summary>
          <Markdown text={entry.text} highlight={pattern} />
        </details>
      </div>
    );
  }
  return (
    <div className={`tl-row${focus} tl-message tl-${entry.role}`} data-entry={entry.id}>
      <div className="small muted row">
        <strong>{entry.role === 'user' ? 'You' : 'Assistant'}</strong>
        {entry.model ? <span className="mono">{entry.model}</span> : null}
        <span>{formatDateTime(entry.timestamp)}</span>
        {entry.tokens ? <span className="tokens">{tokenLine(entry.tokens)}</span> : null}
      </div>
      <Markdown text={entry.text} highlight={pattern} />
    </div>
  );
}

/** The text of an entry a find in the session looks at. */
function searchable(e: TimelineEntry): string {
  return e.type === 'tool' ? `${e.name} ${e.preview ?? ''} ${e.input} ${e.output ?? ''}` : e.text;
}

/**
 * A session's timeline, of any length: only the entries near the viewport are in the page. A search
 * hit opened from the list is scrolled to and marked; find in the session, a turn index, top and bottom.
 */
export function SessionTimeline({ sessionId, focus = null, highlight = [] }: { sessionId: string; focus?: { entryId: string; nonce: number } | null; highlight?: string[] }) {
  const timeline = useResource(
    () => getClient().api.history.timeline({ sessionId }),
    [sessionId],
    ['transcripts:changed', 'sessions:changed'],
    (p) => {
      const payload = p as { sessionIds?: string[]; sessionId?: string };
      return payload.sessionIds?.includes(sessionId) ?? payload.sessionId === sessionId;
    },
  );
  const [find, setFind] = useState('');
  const [findAt, setFindAt] = useState(0);
  const [scrollTo, setScrollTo] = useState<ScrollRequest | null>(null);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const entries = useMemo(() => timeline.data?.entries ?? [], [timeline.data]);
  const indexOf = useMemo(() => new Map(entries.map((e, i) => [e.id, i])), [entries]);
  const findHits = useMemo(() => {
    const needle = find.trim().toLowerCase();
    if (needle.length < 2) return [];
    const out: number[] = [];
    entries.forEach((e, i) => {
      if (searchable(e).toLowerCase().includes(needle)) out.push(i);
    });
    return out;
  }, [entries, find]);
  const turns = useMemo(() => entries.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'message' && e.role === 'user' && e.kind === 'text'), [entries]);
  const pattern = useMemo(() => wordsPattern(find.trim().length >= 2 ? [find.trim()] : highlight), [find, highlight]);

  // The nonce counts up so that asking for the same index twice still scrolls.
  const jump = useCallback((index: number, id: string | null = null) => {
    setScrollTo((previous) => ({ index, nonce: (previous?.nonce ?? 0) + 1 }));
    setFocusedId(id);
  }, []);
  // Jumps that follow from what changed rather than from a click are worked out while rendering
  // (https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes):
  // a hit opened from the list, once the timeline is here (and again when it is read anew), and
  // the current match of a find in the session. The find, coming second, wins when both change.
  const [seenFocus, setSeenFocus] = useState<{ entryId: string; nonce: number; indexOf: Map<string, number> } | null>(null);
  if (focus && timeline.data && (seenFocus?.entryId !== focus.entryId || seenFocus.nonce !== focus.nonce || seenFocus.indexOf !== indexOf)) {
    setSeenFocus({ entryId: focus.entryId, nonce: focus.nonce, indexOf });
    const index = indexOf.get(focus.entryId);
    if (index !== undefined) jump(index, focus.entryId);
  }
  const [seenFind, setSeenFind] = useState<{ hits: number[]; at: number } | null>(null);
  if (findHits.length > 0 && (seenFind?.hits !== findHits || seenFind.at !== findAt)) {
    setSeenFind({ hits: findHits, at: findAt });
    const at = Math.min(findAt, findHits.length - 1);
    jump(findHits[at]!, entries[findHits[at]!]!.id);
  }

  const itemKey = useCallback((i: number) => entries[i]?.id ?? String(i), [entries]);
  const render = useCallback(
    (i: number) => <Entry entry={entries[i]!} sessionId={sessionId} pattern={pattern} focused={entries[i]!.id === focusedId} />,
    [entries, sessionId, pattern, focusedId],
  );

  if (timeline.error) return <ErrorBanner error={timeline.error} onRetry={timeline.reload} />;
  if (!timeline.data) return <LoadingRows label="Loading the timeline…" />;
  const { session, worktreeId } = timeline.data;
  return (
    <section className="timeline card" aria-label={`Timeline of ${session.title ?? 'session'}`}>
      <header>
        <h2>{session.title ?? 'Untitled session'}</h2>
        <p className="small muted row wrap">
          <span>{formatDateTime(session.startedAt)}</span>
          {session.models.length ? <span className="mono">{session.models.join(', ')}</span> : null}
          {session.projectId ? (
            <a href={`#/projects/${session.projectId}`} onClick={(e) => { e.preventDefault(); navigate('projects', session.projectId); }}>
              {session.projectName}
              {worktreeId ? ' · its worktree' : ''}
            </a>
          ) : session.cwd ? (
            <span className="mono">{session.cwd}</span>
          ) : null}
          {session.source === 'launched' ? (
            <a href={`#/sessions/${session.id}`} onClick={(e) => { e.preventDefault(); navigate('sessions', session.id); }}>
              Open terminal
            </a>
          ) : null}
        </p>
        <p className="small" data-testid="session-tokens">
          {plural(session.messageCount, 'message')} · {plural(session.toolCallCount, 'tool call')} · {tokenLine(session.tokens)}
          {session.cost ? ` · ${formatUsd(session.cost)}` : ''}
        </p>
        <div className="timeline-tools row wrap">
          <input
            type="search"
            aria-label="Find in this session"
            placeholder="Find in this session…"
            value={find}
            onChange={(e) => {
              setFind(e.target.value);
              setFindAt(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && findHits.length) setFindAt((findAt + (e.shiftKey ? findHits.length - 1 : 1)) % findHits.length);
            }}
          />
          {find.trim().length >= 2 ? (
            <span className="small muted" role="status">
              {findHits.length ? `${Math.min(findAt, findHits.length - 1) + 1} of ${formatInteger(findHits.length)}` : 'No match'}
            </span>
          ) : null}
          <button type="button" disabled={findHits.length === 0} onClick={() => setFindAt((findAt + findHits.length - 1) % findHits.length)} aria-label="Previous match">↑</button>
          <button type="button" disabled={findHits.length === 0} onClick={() => setFindAt((findAt + 1) % findHits.length)} aria-label="Next match">↓</button>
          <select
            aria-label="Jump to a turn"
            value=""
            onChange={(e) => {
              const index = Number(e.target.value);
              if (Number.isFinite(index)) jump(index, entries[index]?.id ?? null);
            }}
          >
            <option value="">Turns ({turns.length})…</option>
            {turns.map(([e, i], n) => (
              <option key={e.id} value={i}>
                {n + 1}. {e.type === 'message' ? e.text.replace(/\s+/g, ' ').slice(0, 70) : ''}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => jump(0)}>Top</button>
          <button type="button" onClick={() => jump(entries.length - 1)}>Bottom</button>
        </div>
      </header>
      {entries.length === 0 ? <p className="muted">No messages yet.</p> : null}
      <VirtualList count={entries.length} estimate={90} itemKey={itemKey} render={render} scrollTo={scrollTo} className="timeline-scroller" label="Timeline entries" />
      {timeline.data.truncated ? <p className="small muted">Only the first 5,000 messages are shown.</p> : null}
    </section>
  );
}
