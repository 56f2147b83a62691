import type { TimelineEntry, Tokens } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows, StatusBadge } from '../components/common';
import { Markdown } from '../components/markdown';
import { formatTime } from '../format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';

/** 12345 -> "12.3k". */
export function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
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

function Entry({ entry }: { entry: TimelineEntry }) {
  if (entry.type === 'tool') {
    return (
      <li className="tl-tool">
        <details>
          <summary>
            <span className="mono">{entry.name}</span> <StatusBadge status={entry.status} />
            <span className="small muted"> {formatTime(entry.timestamp)}</span>
            {entry.tokens ? <span className="small muted tokens" title="Tokens of the response that made this call">{tokenLine(entry.tokens)}</span> : null}
          </summary>
          <div className="small muted">Input</div>
          <pre>{prettyJson(entry.input)}</pre>
          {entry.output !== null ? (
            <>
              <div className="small muted">Output</div>
              <pre>{entry.output}</pre>
            </>
          ) : null}
        </details>
      </li>
    );
  }
  if (entry.kind === 'thinking') {
    return (
      <li className="tl-thinking">
        <details>
          <summary className="small muted">Thinking</summary>
          <Markdown text={entry.text} />
        </details>
      </li>
    );
  }
  if (entry.kind === 'delegation') {
    return (
      <li className="tl-delegation">
        <details>
          <summary className="small">
            <strong>Delegated to a subagent</strong> <span className="muted">{formatTime(entry.timestamp)}</span>
          </summary>
          <Markdown text={entry.text} />
        </details>
      </li>
    );
  }
  return (
    <li className={`tl-message tl-${entry.role}`}>
      <div className="small muted row">
        <strong>{entry.role === 'user' ? 'You' : 'Assistant'}</strong>
        {entry.model ? <span className="mono">{entry.model}</span> : null}
        <span>{formatTime(entry.timestamp)}</span>
        {entry.tokens ? <span className="tokens">{tokenLine(entry.tokens)}</span> : null}
      </div>
      <Markdown text={entry.text} />
    </li>
  );
}

/** A session's timeline: messages as Markdown, thinking and subagent prompts collapsed, tool calls with input and output. */
export function SessionTimeline({ sessionId }: { sessionId: string }) {
  const timeline = useResource(
    () => getClient().api.history.timeline({ sessionId }),
    [sessionId],
    ['transcripts:changed', 'sessions:changed'],
    (p) => {
      const payload = p as { sessionIds?: string[]; sessionId?: string };
      return payload.sessionIds?.includes(sessionId) ?? payload.sessionId === sessionId;
    },
  );
  if (timeline.error) return <ErrorBanner error={timeline.error} onRetry={timeline.reload} />;
  if (!timeline.data) return <LoadingRows label="Loading the timeline…" />;
  const { session, entries, worktreeId } = timeline.data;
  return (
    <section className="timeline card" aria-label={`Timeline of ${session.title ?? 'session'}`}>
      <header>
        <h2>{session.title ?? 'Untitled session'}</h2>
        <p className="small muted row wrap">
          <span>{formatTime(session.startedAt)}</span>
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
          {session.messageCount} messages · {session.toolCallCount} tool calls · {tokenLine(session.tokens)}
        </p>
      </header>
      {entries.length === 0 ? <p className="muted">No messages yet.</p> : null}
      <ol className="timeline-entries">
        {entries.map((e) => (
          <Entry key={e.id} entry={e} />
        ))}
      </ol>
      {timeline.data.truncated ? <p className="small muted">Only the first 5,000 messages are shown.</p> : null}
    </section>
  );
}
