import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { APPROVAL_STATUSES, RULE_SCOPES, type Approval, type ApprovalStatus, type RuleScope } from '../../src-common/domain/approval';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader, StatusBadge } from '../components/common';
import { formatDuration, formatTime } from '../format';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';

function inputText(approval: Approval): string {
  const input = approval.input as Record<string, unknown> | null;
  if (input && typeof input.command === 'string') return input.command;
  if (input && typeof input.file_path === 'string') return input.file_path;
  return JSON.stringify(approval.input, null, 2);
}

/** An allow waiting for its confirmation: once, or remembered at a scope. */
type Armed = { remember: RuleScope | null } | null;

function scopeLabel(scope: RuleScope): string {
  return scope === 'global' ? 'everything' : `this ${scope}`;
}

/** What "Always allow" would add, in words. */
function RememberNote({ approval }: { approval: Approval }) {
  const plan = approval.rememberAs;
  if (!plan) return null;
  if (!plan.ok) return <p className="hint">Can only be allowed once: {plan.reason}.</p>;
  return (
    <p className="hint">
      Always allow adds {plan.patterns.length === 1 ? 'the rule' : `${plan.patterns.length} rules`}{' '}
      {plan.patterns.map((p, i) => (
        <span key={i}>
          {i > 0 ? ', ' : ''}
          {p === null ? <em>{approval.toolName}, any input</em> : <code>{p}</code>}
        </span>
      ))}
      , matching only this.
    </p>
  );
}

function PendingCard({ approval }: { approval: Approval }) {
  const [reason, setReason] = useState('');
  const [denying, setDenying] = useState(false);
  const [armed, setArmed] = useState<Armed>(null);
  const [scope, setScope] = useState<RuleScope>('project');
  const [error, setError] = useState<string | null>(null);
  const card = useRef<HTMLLIElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (armed) confirmButton.current?.focus();
  }, [armed]);
  const hintId = `keys-${approval.id}`;
  const rememberable = approval.rememberAs?.ok !== false;
  const decide = async (decision: 'allow' | 'deny', remember?: RuleScope): Promise<void> => {
    setError(null);
    const result = await getClient().api.approvals.decide({ id: approval.id, decision, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(remember ? { remember } : {}) });
    if (!result.ok) setError(result.error.message);
  };
  const disarm = (): void => {
    setArmed(null);
    card.current?.focus();
  };
  // A click from the keyboard (Enter or Space on the button: detail 0) only arms; the pointer allows at once.
  const allowClicked = (event: MouseEvent, remember: RuleScope | null): void => {
    if (event.detail === 0) setArmed({ remember });
    else void decide('allow', remember ?? undefined);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && (armed || denying)) {
      e.preventDefault();
      setDenying(false);
      disarm();
      return;
    }
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'a' || e.key === 'A') {
      e.preventDefault();
      setDenying(false);
      setArmed({ remember: null });
    } else if (e.key === 'd' || e.key === 'D') {
      e.preventDefault();
      setArmed(null);
      setDenying(true);
    }
  };
  return (
    <li
      ref={card}
      className="card approval-card"
      data-testid="pending-approval"
      tabIndex={0}
      aria-label={`${approval.toolName} waiting for a decision`}
      aria-describedby={hintId}
      aria-keyshortcuts="A D"
      onKeyDown={onKey}
    >
      <header className="row">
        <strong className="mono">{approval.toolName}</strong>
        <StatusBadge status="pending" />
        <span className="muted small">
          {approval.projectName ?? 'no project'} ·{' '}
          {approval.sessionId ? (
            <a href={`#/sessions/${approval.sessionId}`} onClick={(e) => { e.preventDefault(); navigate('sessions', approval.sessionId); }}>
              {approval.sessionTitle ?? 'session'}
            </a>
          ) : (
            'no session'
          )}{' '}
          · waiting since {formatTime(approval.createdAt)}
        </span>
      </header>
      <pre className="preview">{approval.preview ?? inputText(approval)}</pre>
      {armed ? (
        <div className="confirm-allow" role="group" aria-label="Confirm allow">
          <span>
            {armed.remember ? `Always allow for ${scopeLabel(armed.remember)}?` : 'Allow this call once?'}
          </span>
          <button ref={confirmButton} type="button" className="button primary" onClick={() => void decide('allow', armed.remember ?? undefined)}>
            {armed.remember ? 'Always allow' : 'Allow'} now
          </button>
          <button type="button" className="button" onClick={disarm}>
            Cancel
          </button>
          <span className="hint">
            <kbd>Enter</kbd> confirms · <kbd>Esc</kbd> cancels
          </span>
        </div>
      ) : (
        <div className="row wrap">
          <button type="button" className="button primary" onClick={(e) => allowClicked(e, null)} title="Allow (from the keyboard: A, then Enter to confirm)">
            Allow
          </button>
          <button type="button" className="button danger" onClick={() => setDenying((v) => !v)} title="Deny (D)" aria-keyshortcuts="D">
            Deny…
          </button>
          <span className="spacer" />
          <label className="small" htmlFor={`scope-${approval.id}`}>
            Always allow for
          </label>
          <select id={`scope-${approval.id}`} value={scope} onChange={(e) => setScope(e.target.value as RuleScope)} disabled={!rememberable}>
            {RULE_SCOPES.map((s) => (
              <option key={s} value={s}>
                {scopeLabel(s)}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={(e) => allowClicked(e, scope)} disabled={!rememberable}>
            Always allow
          </button>
        </div>
      )}
      <RememberNote approval={approval} />
      {denying ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void decide('deny'); }}>
          <label htmlFor={`reason-${approval.id}`} className="small">
            Reason (sent to the agent)
          </label>
          <input id={`reason-${approval.id}`} className="grow" autoFocus value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="button danger">
            Deny
          </button>
        </form>
      ) : null}
      <p className="hint" id={hintId}>
        Keyboard: <kbd>A</kbd> then <kbd>Enter</kbd> allows · <kbd>D</kbd> then <kbd>Enter</kbd> denies · <kbd>Esc</kbd> cancels
      </p>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </li>
  );
}

/** Tool calls waiting for a person first, then the history of decisions with a filter. */
export function ApprovalsPage() {
  const pending = useResource(() => getClient().api.approvals.list({ status: 'pending' }), [], ['approvals:changed']);
  const [filter, setFilter] = useState<ApprovalStatus | 'all'>('all');
  const history = useResource(() => getClient().api.approvals.list(filter === 'all' ? { limit: 200 } : { status: filter, limit: 200 }), [filter], ['approvals:changed']);
  const [notify, setNotify] = useState(() => ('Notification' in window ? Notification.permission : 'denied'));
  const decided = (history.data ?? []).filter((a) => a.status !== 'pending');
  return (
    <div className="page">
      <PageHeader title="Approvals">
        {!window.pitwall && notify === 'default' ? (
          <button type="button" className="button small" onClick={() => void Notification.requestPermission().then(setNotify)}>
            Enable notifications
          </button>
        ) : null}
      </PageHeader>
      <section aria-label="Pending approvals">
        <h2 className="section-title">Waiting for you</h2>
        {pending.error ? <ErrorBanner error={pending.error} onRetry={pending.reload} /> : null}
        {pending.loading && !pending.data ? (
          <LoadingRows label="Loading approvals…" rows={2} />
        ) : (pending.data ?? []).length === 0 ? (
          <EmptyState title="Nothing is waiting">When an agent wants to run a tool that no rule allows, it waits here for you. On a focused card, A then Enter allows and D denies.</EmptyState>
        ) : (
          <ul className="approval-list">
            {pending.data!.map((a) => (
              <PendingCard key={a.id} approval={a} />
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Approval history">
        <div className="row">
          <h2 className="section-title">History</h2>
          <span className="spacer" />
          <label htmlFor="history-filter" className="small">
            Show
          </label>
          <select id="history-filter" value={filter} onChange={(e) => setFilter(e.target.value as ApprovalStatus | 'all')}>
            <option value="all">all</option>
            {APPROVAL_STATUSES.filter((s) => s !== 'pending').map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        {decided.length === 0 ? (
          <p className="muted">No decisions yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Input</th>
                <th>Decision</th>
                <th>By</th>
                <th>Waited</th>
                <th>When</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {decided.map((a) => (
                <tr key={a.id} data-testid="approval-history-row">
                  <td className="mono">{a.toolName}</td>
                  <td className="mono ellipsis" title={inputText(a)}>{inputText(a)}</td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>{a.decidedBy === 'user' ? 'you' : a.decidedBy}</td>
                  <td>{formatDuration(a.waitedMs)}</td>
                  <td>{formatTime(a.decidedAt)}</td>
                  <td className="ellipsis">{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
