import { useState } from 'react';
import { COLUMN_WORDS, type Task } from '../../src-common/domain/task';
import { getClient } from '../api/client';
import { DiffViewer, type LineComment } from '../components/diff-viewer';
import { ErrorBanner, LoadingRows, StatusBadge } from '../components/common';
import { OpenInMenu, useDiffOpener } from '../components/open-in';
import { SecretWarnings } from '../components/secret-warnings';
import { formatDuration, plural } from '../format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';

/** A task's review: its live diff, the verify result, and the gate (approve, or send back with a reason). */
export function TaskReview({ task, onClose }: { task: Task; onClose: () => void }) {
  const api = getClient().api;
  const diff = useResource(
    () => (task.worktreeId ? api.diffs.get({ worktreeId: task.worktreeId }) : Promise.resolve({ ok: true as const, value: null })),
    [task.worktreeId],
    ['diffs:changed'],
    (p) => (p as { worktreeId: string }).worktreeId === task.worktreeId,
  );
  const project = useResource(() => api.projects.get({ id: task.projectId }), [task.projectId]);
  const prOption = useResource(() => api.tasks['pr-option']({ id: task.id }), [task.id]);
  const [strategy, setStrategy] = useState<'merge' | 'squash' | 'rebase' | null>(null);
  const [reason, setReason] = useState('');
  const [comments, setComments] = useState<LineComment[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = strategy ?? project.data?.config.mergeStrategy ?? 'squash';
  const { opener, error: openError } = useDiffOpener(task.worktreeId);

  const act = async (run: () => Promise<{ ok: boolean; error?: { message: string } }>): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await run();
    setBusy(false);
    if (!result.ok) setError(result.error?.message ?? 'Failed');
  };
  const feedback = (): string => [reason.trim(), ...comments.map((c) => `${c.path}:${c.line}: ${c.text}`)].filter(Boolean).join('\n');
  const v = task.verification;

  return (
    <section className="task-review card" aria-label={`Review ${task.title}`}>
      <header className="row wrap">
        <h2>{task.title}</h2>
        <StatusBadge status={task.column} label={COLUMN_WORDS[task.column]} />
        {task.branch ? <span className="mono small muted">{task.branch}</span> : null}
        {task.diffSummary ? (
          <span className="small">
            {plural(task.diffSummary.files, 'file')} <span className="add">+{task.diffSummary.additions}</span> <span className="del">−{task.diffSummary.deletions}</span>
          </span>
        ) : null}
        <span className="spacer" />
        {task.worktreeId && task.column !== 'verified' ? <OpenInMenu target={{ worktreeId: task.worktreeId }} what={task.branch ?? 'the worktree'} /> : null}
        {task.sessionId ? (
          <button type="button" className="button small" onClick={() => navigate('sessions', task.sessionId)}>
            Open session
          </button>
        ) : null}
        <button type="button" className="button small" onClick={onClose} aria-label="Close review">
          Close
        </button>
      </header>
      {task.description ? <p className="muted">{task.description}</p> : null}
      {task.gateDetail ? (
        <p className={error && task.gateDetail.includes(error) ? 'field-error' : 'note'} role={error && task.gateDetail.includes(error) ? 'alert' : 'status'}>
          {task.gateDetail}
        </p>
      ) : null}
      {v ? (
        <div className={`verification verification-${v.status}`} data-testid="verification">
          <strong>Verify</strong> <code>{v.command}</code> <StatusBadge status={v.status} />
          {v.exitCode !== null ? <span className="small muted"> exit {v.exitCode} · {formatDuration(v.durationMs)}</span> : null}
          {v.outputTail ? (
            <details>
              <summary className="small">Output</summary>
              <pre>{v.outputTail}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
      {task.column === 'backlog' ? (
        <div className="row">
          <button type="button" className="button primary" disabled={busy} onClick={() => void act(() => api.tasks.start({ id: task.id }))}>
            Start task
          </button>
          <span className="muted small">Creates a worktree and starts the agent with this task as its prompt.</span>
        </div>
      ) : null}
      {diff.data && task.column !== 'verified' ? <SecretWarnings warnings={diff.data.secrets} approving={task.column === 'waiting_approval'} /> : null}
      {task.column === 'in_progress' ? (
        <div className="row wrap working" role="status">
          <span className="muted">
            {task.sessionStatus === 'stopping'
              ? 'The agent is stopping; the review opens when it has.'
              : task.sessionStatus === 'queued'
                ? 'The agent waits for a free slot in this project.'
                : 'The agent is working. The review opens when it stops or says it is done; approving waits for that.'}
          </span>
          {task.sessionId && (task.sessionStatus === 'running' || task.sessionStatus === 'starting' || task.sessionStatus === 'queued') ? (
            <button type="button" className="button small" disabled={busy} onClick={() => void act(() => api.sessions.stop({ sessionId: task.sessionId! }))}>
              Stop the agent and review
            </button>
          ) : null}
        </div>
      ) : null}
      {task.column === 'waiting_approval' ? (
        <div className="gate">
          <div className="row wrap">
            <label htmlFor="merge-strategy" className="small">
              Land as
            </label>
            <select id="merge-strategy" value={chosen} onChange={(e) => setStrategy(e.target.value as typeof chosen)}>
              <option value="squash">one squashed commit</option>
              <option value="merge">a merge commit</option>
              <option value="rebase">rebased commits</option>
            </select>
            <button type="button" className="button primary" disabled={busy} onClick={() => void act(() => api.tasks.approve({ id: task.id, strategy: chosen }))}>
              {busy ? 'Working…' : 'Approve and merge'}
            </button>
            {prOption.data?.available ? (
              <button type="button" className="button" disabled={busy} title={prOption.data.reason} onClick={() => void act(() => api.tasks['open-pr']({ id: task.id }))}>
                Open pull request
              </button>
            ) : null}
          </div>
          <div className="row wrap">
            <label htmlFor="reject-reason" className="small">
              Send back with a reason
            </label>
            <input id="reject-reason" className="grow" value={reason} placeholder="What should the agent change?" onChange={(e) => setReason(e.target.value)} />
            <button type="button" className="button danger" disabled={busy || feedback() === ''} onClick={() => void act(async () => {
              const r = await api.tasks.reject({ id: task.id, reason: feedback() });
              if (r.ok) {
                setReason('');
                setComments([]);
              }
              return r;
            })}>
              Reject{comments.length > 0 ? ` with ${comments.length} comment${comments.length === 1 ? '' : 's'}` : ''}
            </button>
          </div>
          {comments.length > 0 ? (
            <ul className="comments small">
              {comments.map((c, i) => (
                <li key={i}>
                  <span className="mono">{c.path}:{c.line}</span> {c.text}{' '}
                  <button type="button" className="link" onClick={() => setComments((cs) => cs.filter((_, j) => j !== i))}>
                    remove
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {/* A refused merge is also the task's gate detail: say it once. */}
      {error && !task.gateDetail?.includes(error) ? <p className="field-error" role="alert">{error}</p> : null}
      {diff.error ? <ErrorBanner error={diff.error} onRetry={diff.reload} /> : null}
      {openError ? <p className="field-error" role="alert">{openError}</p> : null}
      {task.worktreeId && task.column !== 'verified' ? (
        diff.data ? (
          <DiffViewer diff={diff.data} onComment={(c) => setComments((cs) => [...cs, c])} {...(opener ? { opener } : {})} />
        ) : diff.loading ? (
          <LoadingRows label="Reading the diff…" rows={2} />
        ) : null
      ) : null}
    </section>
  );
}
