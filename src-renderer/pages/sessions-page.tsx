import { useEffect, useState } from 'react';
import { isFinished, type Session } from '../../src-common/domain/agent';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader, StatusBadge } from '../components/common';
import { OpenInMenu } from '../components/open-in';
import { formatDuration, formatTime } from '../format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { StartSessionDialog } from './start-session-dialog';
import { TerminalView } from './terminal-view';

const OPEN_KEY = 'pitwall.openSessions';

function useOpenTabs(active: string | null): [string[], (id: string) => void] {
  const [open, setOpen] = useState<string[]>(() => JSON.parse(sessionStorage.getItem(OPEN_KEY) ?? '[]') as string[]);
  // The session shown gets a tab at once (state adjusted while rendering, not in an effect after it).
  if (active && !open.includes(active)) setOpen([...open, active]);
  useEffect(() => sessionStorage.setItem(OPEN_KEY, JSON.stringify(open)), [open]);
  const close = (id: string): void => {
    setOpen((o) => o.filter((x) => x !== id));
    if (id === active) navigate('sessions');
  };
  return [open, close];
}

/** Ticks once a second while something runs, so durations stay current. */
function useNow(enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [enabled]);
  return now;
}

function duration(s: Session, now: number): string {
  if (s.startedAt === null) return '—';
  return formatDuration((s.endedAt ?? now) - s.startedAt);
}

function SessionFacts({ session }: { session: Session }) {
  const api = getClient().api.sessions;
  const [error, setError] = useState<string | null>(null);
  const act = async (op: 'stop' | 'restart'): Promise<void> => {
    const r = await api[op]({ sessionId: session.id });
    setError(r.ok ? null : r.error.message);
  };
  const live = !isFinished(session.status);
  return (
    <aside className="session-facts" aria-label="Session facts">
      <h3>{session.title ?? 'Session'}</h3>
      <StatusBadge status={session.activity === 'waiting_for_input' ? 'waiting_for_input' : session.status} title={session.statusDetail ?? undefined} />
      {session.statusDetail ? <p className="small muted">{session.statusDetail}</p> : null}
      <dl className="facts">
        <dt>Agent</dt>
        <dd>{session.profileName ?? session.agentKind}</dd>
        <dt>Project</dt>
        <dd>{session.projectId ? <a href={`#/projects/${session.projectId}`}>{session.projectName}</a> : '—'}</dd>
        <dt>Branch</dt>
        <dd className="mono">{session.branch ?? 'main checkout'}</dd>
        <dt>Folder</dt>
        <dd className="mono small">{session.cwd}</dd>
        {session.cwd ? (
          <dd className="facts-action">
            <OpenInMenu target={{ sessionId: session.id }} what="this session's folder" />
          </dd>
        ) : null}
        <dt>Started</dt>
        <dd>{formatTime(session.startedAt)}</dd>
        <dt>Exit code</dt>
        <dd>{session.exitCode ?? '—'}</dd>
        {session.agentSessionId ? (
          <>
            <dt>Agent session</dt>
            <dd className="mono small">{session.agentSessionId}</dd>
          </>
        ) : null}
        {session.transcriptPath ? (
          <>
            <dt>Transcript</dt>
            <dd className="mono small" data-testid="transcript-path">{session.transcriptPath}</dd>
            <dt>Timeline</dt>
            <dd>
              <a href={`#/history/${session.id}`} onClick={(e) => { e.preventDefault(); navigate('history', session.id); }}>
                Messages and tool calls
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <div className="row">
        {live ? (
          <button type="button" className="button danger" disabled={session.status === 'stopping'} onClick={() => void act('stop')}>
            {session.status === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
        {session.source === 'launched' ? (
          <button type="button" className="button" onClick={() => void act('restart')}>
            Restart
          </button>
        ) : null}
      </div>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </aside>
  );
}

/** Every session, live; open ones in tabs with their terminal; a dialog to start a new one. */
export function SessionsPage({ openId }: { openId: string | null }) {
  const sessions = useResource(() => getClient().api.sessions.list({}), [], ['sessions:changed']);
  const [starting, setStarting] = useState(false);
  const [open, close] = useOpenTabs(openId);
  const list = sessions.data ?? [];
  const now = useNow(list.some((s) => s.status === 'running' || s.status === 'stopping'));
  const active = openId ? list.find((s) => s.id === openId) ?? null : null;
  const pendingBySession = useResource(() => getClient().api.approvals.list({ status: 'pending' }), [], ['approvals:changed']);
  const waiting = new Set((pendingBySession.data ?? []).map((a) => a.sessionId));

  return (
    <div className={`page sessions-page${openId && active ? ' session-open' : ''}`}>
      <PageHeader title="Sessions">
        <button type="button" className="button primary" onClick={() => setStarting(true)}>
          New session
        </button>
      </PageHeader>
      {open.length > 0 ? (
        <div className="tabs" role="tablist" aria-label="Open sessions">
          <button type="button" role="tab" aria-selected={openId === null} className="tab" onClick={() => navigate('sessions')}>
            All sessions
          </button>
          {open.map((id) => {
            const s = list.find((x) => x.id === id);
            return (
              <span key={id} className={`tab ${openId === id ? 'active' : ''}`}>
                <button type="button" role="tab" aria-selected={openId === id} className="tab-label" onClick={() => navigate('sessions', id)}>
                  {s?.title ?? 'Session'}
                  {waiting.has(id) ? <span className="count-badge" aria-label="approval pending">!</span> : null}
                </button>
                <button type="button" className="tab-close" aria-label={`Close tab ${s?.title ?? ''}`} onClick={() => close(id)}>
                  ×
                </button>
              </span>
            );
          })}
        </div>
      ) : null}
      {sessions.error ? <ErrorBanner error={sessions.error} onRetry={sessions.reload} /> : null}
      {openId && active ? (
        <div className="session-view">
          <TerminalView key={active.id} sessionId={active.id} live={active.status === 'running'} />
          <SessionFacts session={active} />
        </div>
      ) : sessions.loading && !sessions.data ? (
        <LoadingRows label="Loading sessions…" />
      ) : list.length === 0 ? (
        <EmptyState title="No sessions yet">Start an agent in a worktree with “New session”; it runs in its own terminal here.</EmptyState>
      ) : (
        <table className="table sessions-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Title</th>
              <th>Agent</th>
              <th>Project</th>
              <th>Branch</th>
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-testid="session-row" className="clickable" tabIndex={0} onClick={() => navigate('sessions', s.id)} onKeyDown={(e) => e.key === 'Enter' && navigate('sessions', s.id)}>
                <td>
                  <StatusBadge status={waiting.has(s.id) ? 'waiting_for_approval' : s.activity === 'waiting_for_input' ? 'waiting_for_input' : s.status} title={s.statusDetail ?? undefined} />
                </td>
                <td>{s.title}</td>
                <td>{s.profileName ?? s.agentKind}</td>
                <td>{s.projectName ?? '—'}</td>
                <td className={s.branch ? 'mono' : 'muted'}>{s.branch ?? (s.source === 'launched' && s.cwd ? 'main checkout' : '—')}</td>
                <td>{formatTime(s.startedAt ?? s.createdAt)}</td>
                <td>{duration(s, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {starting ? (
        <StartSessionDialog
          onClose={() => setStarting(false)}
          onStarted={(s) => {
            setStarting(false);
            navigate('sessions', s.id);
          }}
        />
      ) : null}
    </div>
  );
}
