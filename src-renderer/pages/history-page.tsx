import { useEffect, useState } from 'react';
import { snippetParts, type SessionSummary, type TranscriptScanProgress } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { plural } from '../format';
import { formatCompact, formatDateTime, formatInteger, formatUsd } from '../number-format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { SessionTimeline } from './session-timeline';

const SOURCE_LABELS: Record<string, string> = { launched: 'Pitwall', 'claude-code': 'Claude Code files', codex: 'Codex files', 'vscode-copilot': 'VS Code', gemini: 'Gemini CLI files' };
const AGENT_LABELS: Record<string, string> = { 'claude-code': 'Claude Code', codex: 'Codex', copilot: 'Copilot', gemini: 'Gemini', aider: 'Aider', shell: 'Shell' };

/** Text with the search hits marked. */
function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet">
      {snippetParts(text).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}

/** The first scan's progress bar; gone once the scan is done. */
function ScanProgressBar() {
  const [progress, setProgress] = useState<TranscriptScanProgress | null>(null);
  useEffect(() => {
    const client = getClient();
    void client.api.transcripts.progress({}).then((r) => r.ok && setProgress(r.value));
    return client.on('transcripts:progress', setProgress);
  }, []);
  if (!progress) return null;
  if (progress.error) return <p className="field-error" role="alert">Reading transcripts stopped: {progress.error}</p>;
  if (progress.done) return null;
  const pct = progress.bytesTotal > 0 ? Math.round((progress.bytesDone / progress.bytesTotal) * 100) : 0;
  return (
    <div className="scan-progress" role="progressbar" aria-label="Reading transcripts" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
      <div className="scan-bar">
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="small muted">
        Reading transcripts: {progress.filesDone} of {progress.filesTotal} files, {(progress.bytesDone / 1e6).toFixed(1)} of {(progress.bytesTotal / 1e6).toFixed(1)} MB
      </span>
    </div>
  );
}

const PAGE = 100;

/** The words of a search, for marking them in the opened timeline. */
function searchWords(query: string): string[] {
  return (query.match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => w.length >= 2);
}

/** Every session from every source, searchable, with its timeline. */
export function HistoryPage({ openId }: { openId: string | null }) {
  const api = getClient().api;
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [source, setSource] = useState('');
  const [agentKind, setAgentKind] = useState('');
  const [place, setPlace] = useState('');
  const [model, setModel] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  const [focus, setFocus] = useState<{ sessionId: string; entryId: string; nonce: number } | null>(null);
  useEffect(() => {
    // The first letter goes at once (it is answered from titles); after that, a short pause.
    const t = setTimeout(() => setDebounced(query.trim()), query.trim().length <= 1 ? 0 : 120);
    return () => clearTimeout(t);
  }, [query]);
  // New filters start again at the first page: reset while rendering, so no request goes out for
  // the new filters at the old page (https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes).
  const filters = JSON.stringify([debounced, source, agentKind, place, model, from, to]);
  const [offsetFilters, setOffsetFilters] = useState(filters);
  if (offsetFilters !== filters) {
    setOffsetFilters(filters);
    setOffset(0);
  }
  const facets = useResource(() => api.history.facets({}), [], ['transcripts:changed', 'sessions:changed', 'projects:changed']);
  const page = useResource(
    () =>
      api.history.list({
        ...(debounced ? { query: debounced } : {}),
        ...(source ? { source } : {}),
        ...(agentKind ? { agentKind } : {}),
        ...(place.startsWith('p:') ? { projectId: place.slice(2) } : {}),
        ...(place.startsWith('f:') ? { folder: place.slice(2) } : {}),
        ...(model ? { model } : {}),
        ...(from ? { from: Date.parse(`${from}T00:00:00`) } : {}),
        ...(to ? { to: Date.parse(`${to}T00:00:00`) + 86_400_000 } : {}),
        limit: PAGE,
        offset,
      }),
    [debounced, source, agentKind, place, model, from, to, offset],
    ['transcripts:changed', 'sessions:changed'],
  );
  const list: SessionSummary[] = page.data?.sessions ?? [];
  const total = page.data?.total ?? 0;
  const filtered = Boolean(debounced || source || agentKind || place || model || from || to);
  const f = facets.data;
  const searching = page.loading && (debounced !== '' || query.trim() !== debounced);
  const shownFrom = total === 0 ? 0 : offset + 1;
  const shownTo = offset + list.length;

  return (
    <div className="page history-page">
      <PageHeader title="History">
        <span className="muted small">Sessions from Pitwall, Claude Code, Codex, Gemini CLI and VS Code, side by side</span>
      </PageHeader>
      <ScanProgressBar />
      <div className="filters history-filters" role="search">
        <input type="search" aria-label="Search messages" placeholder="Search…" title="Search messages, tool inputs and outputs, and file paths" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select aria-label="Source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">All sources</option>
          {(f?.sources ?? []).map((o) => <option key={o.key} value={o.key}>{SOURCE_LABELS[o.key] ?? o.key} ({o.count})</option>)}
        </select>
        <select aria-label="Agent" value={agentKind} onChange={(e) => setAgentKind(e.target.value)}>
          <option value="">All agents</option>
          {(f?.agents ?? []).map((o) => <option key={o.key} value={o.key}>{AGENT_LABELS[o.key] ?? o.key} ({o.count})</option>)}
        </select>
        <select aria-label="Project or folder" value={place} onChange={(e) => setPlace(e.target.value)}>
          <option value="">All projects</option>
          {f?.projects.length ? (
            <optgroup label="Projects">
              {f.projects.map((p) => <option key={p.id} value={`p:${p.id}`}>{p.name} ({p.count})</option>)}
            </optgroup>
          ) : null}
          {f?.folders.length ? (
            <optgroup label="Folders of no project">
              {f.folders.map((o) => <option key={o.path} value={`f:${o.path}`} title={o.path}>{shortFolder(o.path)} ({o.count})</option>)}
            </optgroup>
          ) : null}
        </select>
        <select aria-label="Model" value={model} onChange={(e) => setModel(e.target.value)}>
          <option value="">All models</option>
          {(f?.models ?? []).map((o) => <option key={o.key} value={o.key}>{o.key} ({o.count})</option>)}
        </select>
        <span className="date-range">
          <input type="date" aria-label="From" title="From" value={from} onChange={(e) => setFrom(e.target.value)} />
          <span className="muted">–</span>
          <input type="date" aria-label="To" title="To" value={to} onChange={(e) => setTo(e.target.value)} />
        </span>
      </div>
      {page.error ? <ErrorBanner error={page.error} onRetry={page.reload} /> : null}
      <div className="history-split">
        <div className="history-list" aria-label="Sessions" aria-busy={page.loading}>
          <div className="list-status small muted row" role="status">
            {searching ? <span>Searching…</span> : page.data ? (
              <span data-testid="list-count">
                {total === 0 ? 'No sessions' : `${formatInteger(shownFrom)}–${formatInteger(shownTo)} of ${formatInteger(total)} sessions`}
                {page.data.hits && page.data.scope === 'all' ? ` · ${formatInteger(page.data.hits.count)}${page.data.hits.capped ? '+' : ''} hits` : ''}
              </span>
            ) : null}
            {page.data?.scope === 'titles' ? <span>One letter: titles and folders only</span> : null}
          </div>
          {page.loading && !page.data ? <LoadingRows label="Loading sessions…" /> : null}
          {page.data && list.length === 0 && !searching ? (
            <EmptyState title={filtered ? 'Nothing matches' : 'No sessions yet'}>
              {filtered ? 'Try other words or fewer filters.' : 'Sessions you run here, and the ones Claude Code, Codex and VS Code Copilot write on this machine, appear here.'}
            </EmptyState>
          ) : null}
          <ul className="session-cards">
            {list.map((s) => (
              <li key={s.id}>
                <div className="session-card" aria-current={openId === s.id ? 'true' : undefined}>
                  <button type="button" className="card-open" onClick={() => navigate('history', s.id)}>
                    <span className="row">
                      <strong className="ellipsis grow">{s.title ?? 'Untitled session'}</strong>
                      <span className={`source-chip source-${s.source}`}>{SOURCE_LABELS[s.source] ?? s.source}</span>
                    </span>
                    <span className="small muted ellipsis" title={s.cwd ?? undefined}>
                      {AGENT_LABELS[s.agentKind] ?? s.agentKind} · {s.projectName ?? (s.cwd ? shortFolder(s.cwd) : 'no folder')} · {formatDateTime(s.startedAt)}
                    </span>
                    <span className="small muted">
                      {plural(s.messageCount, 'message')} · {plural(s.toolCallCount, 'tool call')}
                      {s.tokens.output > 0 ? ` · ${formatCompact(s.tokens.input + s.tokens.cacheRead + s.tokens.cacheWrite)} in / ${formatCompact(s.tokens.output)} out` : ''}
                      {s.cost ? ` · ${formatUsd(s.cost)}` : ''}
                    </span>
                  </button>
                  {s.hits.map((h) => (
                    <button
                      type="button"
                      key={h.messageId}
                      className="small hit"
                      title="Show this in the timeline"
                      onClick={() => {
                        setFocus({ sessionId: s.id, entryId: h.messageId, nonce: Date.now() });
                        navigate('history', s.id);
                      }}
                    >
                      <Snippet text={h.snippet} />
                    </button>
                  ))}
                  {s.hitCount && s.hitCount > s.hits.length ? <span className="small muted">{formatInteger(s.hitCount - s.hits.length)} more in this session</span> : null}
                </div>
              </li>
            ))}
          </ul>
          {total > PAGE ? (
            <nav className="pager row" aria-label="Pages">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
              <span className="small muted grow">Page {Math.floor(offset / PAGE) + 1} of {Math.ceil(total / PAGE)}</span>
              <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>Next</button>
            </nav>
          ) : null}
        </div>
        <div className="history-detail">
          {openId ? (
            <SessionTimeline
              key={openId}
              sessionId={openId}
              focus={focus && focus.sessionId === openId ? { entryId: focus.entryId, nonce: focus.nonce } : null}
              highlight={searchWords(debounced)}
            />
          ) : (
            <EmptyState title="Pick a session">Its messages, tool calls and tokens show here.</EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}

/** The last two parts of a folder: enough to tell projects apart in a narrow list. */
function shortFolder(path: string): string {
  if (!path) return 'no folder';
  const parts = path.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : path;
}
