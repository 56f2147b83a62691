import { useEffect, useState } from 'react';
import { snippetParts, type SessionSummary, type TranscriptScanProgress } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { formatTime } from '../format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { SessionTimeline, formatTokens } from './session-timeline';

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

/** Every session from every source, searchable, with its timeline. */
export function HistoryPage({ openId }: { openId: string | null }) {
  const api = getClient().api;
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [source, setSource] = useState('');
  const [agentKind, setAgentKind] = useState('');
  const [projectId, setProjectId] = useState('');
  const [model, setModel] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(t);
  }, [query]);
  const projects = useResource(() => api.projects.list({}), [], ['projects:changed']);
  const sessions = useResource(
    () =>
      api.history.sessions({
        ...(debounced ? { query: debounced } : {}),
        ...(source ? { source } : {}),
        ...(agentKind ? { agentKind } : {}),
        ...(projectId ? { projectId } : {}),
        ...(model ? { model } : {}),
        ...(from ? { from: Date.parse(`${from}T00:00:00`) } : {}),
        ...(to ? { to: Date.parse(`${to}T00:00:00`) + 86_400_000 } : {}),
        limit: 200,
      }),
    [debounced, source, agentKind, projectId, model, from, to],
    ['transcripts:changed', 'sessions:changed'],
  );
  const list: SessionSummary[] = sessions.data ?? [];
  const models = [...new Set(list.flatMap((s) => s.models))].sort();
  const filtered = Boolean(debounced || source || agentKind || projectId || model || from || to);

  return (
    <div className="page history-page">
      <PageHeader title="History">
        <span className="muted small">Sessions from Pitwall, Claude Code, Codex and VS Code, side by side</span>
      </PageHeader>
      <ScanProgressBar />
      <div className="filters row wrap" role="search">
        <input type="search" className="grow" aria-label="Search messages" placeholder="Search every message…" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select aria-label="Source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">All sources</option>
          {Object.entries(SOURCE_LABELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
        <select aria-label="Agent" value={agentKind} onChange={(e) => setAgentKind(e.target.value)}>
          <option value="">All agents</option>
          {Object.entries(AGENT_LABELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
        <select aria-label="Project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
          <option value="">All projects</option>
          {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <select aria-label="Model" value={model} onChange={(e) => setModel(e.target.value)}>
          <option value="">All models</option>
          {models.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
        <span className="date-range">
          <label className="small">From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label className="small">to <input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        </span>
      </div>
      {sessions.error ? <ErrorBanner error={sessions.error} onRetry={sessions.reload} /> : null}
      <div className="history-split">
        <div className="history-list" aria-label="Sessions">
          {sessions.loading && !sessions.data ? <LoadingRows label="Loading sessions…" /> : null}
          {sessions.data && list.length === 0 ? (
            <EmptyState title={filtered ? 'Nothing matches' : 'No sessions yet'}>
              {filtered ? 'Try other words or fewer filters.' : 'Sessions you run here, and the ones Claude Code, Codex and VS Code Copilot write on this machine, appear here.'}
            </EmptyState>
          ) : null}
          <ul className="session-cards">
            {list.map((s) => (
              <li key={s.id}>
                <button type="button" className="session-card" aria-current={openId === s.id ? 'true' : undefined} onClick={() => navigate('history', s.id)}>
                  <span className="row">
                    <strong className="ellipsis grow">{s.title ?? 'Untitled session'}</strong>
                    <span className={`source-chip source-${s.source}`}>{SOURCE_LABELS[s.source] ?? s.source}</span>
                  </span>
                  <span className="small muted">
                    {AGENT_LABELS[s.agentKind] ?? s.agentKind} · {s.projectName ?? s.cwd ?? 'no folder'} · {formatTime(s.startedAt)}
                  </span>
                  <span className="small muted">
                    {s.messageCount} messages · {s.toolCallCount} tool calls{s.tokens.output > 0 ? ` · ${formatTokens(s.tokens.input + s.tokens.cacheRead + s.tokens.cacheWrite)} in / ${formatTokens(s.tokens.output)} out` : ''}
                  </span>
                  {s.hits.map((h) => (
                    <span key={h.messageId} className="small hit">
                      <Snippet text={h.snippet} />
                    </span>
                  ))}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="history-detail">
          {openId ? <SessionTimeline sessionId={openId} /> : <EmptyState title="Pick a session">Its messages, tool calls and tokens show here.</EmptyState>}
        </div>
      </div>
    </div>
  );
}
