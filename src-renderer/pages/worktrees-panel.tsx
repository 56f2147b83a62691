import { useState, type FormEvent } from 'react';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, StatusBadge } from '../components/common';
import { DiffViewer } from '../components/diff-viewer';
import { OpenInMenu, useDiffOpener } from '../components/open-in';
import { SecretWarnings } from '../components/secret-warnings';
import { plural } from '../format';
import { useResource } from '../hooks/use-resource';

function CreateWorktreeForm({ project }: { project: Project }) {
  const [branch, setBranch] = useState('');
  const [base, setBase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!branch.trim()) {
      setError('Enter a name for the new branch.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await getClient().api.worktrees.create({ projectId: project.id, branch: branch.trim(), ...(base.trim() ? { base: base.trim() } : {}) });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else if (result.value.status === 'error') setError(`${result.value.branch}: ${result.value.error ?? 'failed'}`);
    else setBranch('');
  };
  return (
    <form className="create-worktree" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor="wt-branch">Branch name</label>
        <input id="wt-branch" value={branch} placeholder="feature/login" autoComplete="off" spellCheck={false} onChange={(e) => setBranch(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="wt-base">Base (optional)</label>
        <input id="wt-base" value={base} placeholder={project.config.baseBranch} autoComplete="off" spellCheck={false} onChange={(e) => setBase(e.target.value)} />
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create worktree'}
      </button>
      {error ? (
        <p className="field-error wide" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function WorktreeDiff({ worktreeId }: { worktreeId: string }) {
  const diff = useResource(() => getClient().api.diffs.get({ worktreeId }), [worktreeId], ['diffs:changed'], (p) => (p as { worktreeId: string }).worktreeId === worktreeId);
  const { opener, error } = useDiffOpener(worktreeId);
  if (diff.error) return <ErrorBanner error={diff.error} onRetry={diff.reload} />;
  if (!diff.data) return <LoadingRows label="Reading the diff…" rows={1} />;
  return (
    <div className="worktree-diff">
      {error ? <p className="field-error diff-open-error" role="alert">{error}</p> : null}
      <SecretWarnings warnings={diff.data.secrets} approving={false} />
      <DiffViewer diff={diff.data} {...(opener ? { opener } : {})} />
    </div>
  );
}

function WorktreeRow({ worktree }: { worktree: Worktree }) {
  const [showDiff, setShowDiff] = useState(false);
  const [dirtyWarning, setDirtyWarning] = useState<string | null>(null);
  const [agentWarning, setAgentWarning] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const api = getClient().api.worktrees;

  const remove = async (force: boolean, stopAgents = false): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.remove({ worktreeId: worktree.id, force, stopAgents });
    setBusy(false);
    if (result.ok) {
      setDirtyWarning(null);
      setAgentWarning(null);
    } else if (result.error.code === 'agent_running') setAgentWarning(result.error.message);
    else if (result.error.code === 'dirty_worktree') setDirtyWarning(result.error.message);
    else setError(result.error.message);
  };
  const restore = async (): Promise<void> => {
    setBusy(true);
    const result = await api.restore({ worktreeId: worktree.id });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };

  const g = worktree.git;
  return (
    <li className="worktree-row" data-testid="worktree-row" data-branch={worktree.branch}>
      <div className="wt-main">
        <div className="wt-info">
          <span className="wt-branch mono">{worktree.branch}</span>
          <StatusBadge status={worktree.status} />
          {worktree.external ? <span className="tag" title="Made outside Pitwall">external</span> : null}
          {g ? (
            <>
              <span className="mono muted" title="HEAD commit">{g.headSha?.slice(0, 7) ?? 'no commits'}</span>
              <span className={g.dirtyCount > 0 ? 'dirty' : 'muted'}>{g.dirtyCount > 0 ? plural(g.dirtyCount, 'changed file') : 'clean'}</span>
              <span className="muted" aria-label={`${g.ahead} ahead, ${g.behind} behind base`} title={`${g.ahead} ahead, ${g.behind} behind ${worktree.baseRef}`}>
                ↑{g.ahead} ↓{g.behind}
              </span>
            </>
          ) : null}
        </div>
        <div className="wt-actions">
          {worktree.status === 'active' ? (
            <button type="button" className="button small" aria-expanded={showDiff} aria-label={`${showDiff ? 'Hide' : 'Show'} diff of ${worktree.branch}`} onClick={() => setShowDiff((v) => !v)}>
              {showDiff ? 'Hide diff' : 'Diff'}
            </button>
          ) : null}
          {worktree.status === 'removed' && worktree.snapshotRef ? (
            <button type="button" className="button small" disabled={busy} onClick={() => void restore()}>
              Restore
            </button>
          ) : worktree.status !== 'creating' ? (
            <button type="button" className="button small" disabled={busy} aria-label={`Remove worktree ${worktree.branch}`} onClick={() => void remove(false)}>
              Remove
            </button>
          ) : null}
        </div>
      </div>
      <div className="wt-path-row">
        <span className="wt-path mono muted small" title={worktree.path}>
          {worktree.path}
        </span>
        {worktree.status === 'active' ? <OpenInMenu target={{ worktreeId: worktree.id }} what={worktree.branch} /> : null}
      </div>
      {worktree.status === 'removed' && worktree.snapshotRef ? <p className="small">Removed — uncommitted work saved in <code>{worktree.snapshotRef}</code></p> : null}
      {worktree.error ? <p className="field-error">{worktree.error}</p> : null}
      {agentWarning ? (
        <div className="warning" role="alertdialog" aria-label="Agent running" onKeyDown={(e) => e.key === 'Escape' && setAgentWarning(null)}>
          <p>
            <strong>{agentWarning}.</strong> Stop it and remove the worktree?{g && g.dirtyCount > 0 ? ` Its ${plural(g.dirtyCount, 'uncommitted change')} will be saved as a snapshot you can restore.` : ''}
          </p>
          <div className="row">
            <button type="button" className="button danger" autoFocus disabled={busy} onClick={() => void remove(true, true)}>
              {busy ? 'Stopping…' : 'Stop agent and remove'}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setAgentWarning(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {dirtyWarning ? (
        <div className="warning" role="alertdialog" aria-label="Uncommitted changes" onKeyDown={(e) => e.key === 'Escape' && setDirtyWarning(null)}>
          <p>
            <strong>{worktree.branch}</strong> has {plural(g?.dirtyCount ?? 0, 'uncommitted change')}. Remove anyway? They will be saved as a snapshot you can restore.
          </p>
          <div className="row">
            <button type="button" className="button danger" autoFocus disabled={busy} onClick={() => void remove(true)}>
              Remove and keep snapshot
            </button>
            <button type="button" className="button" onClick={() => setDirtyWarning(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      {showDiff && worktree.status === 'active' ? <WorktreeDiff worktreeId={worktree.id} /> : null}
      {worktree.initLog ? (
        <details className="init-log">
          <summary>Init log</summary>
          <pre>{worktree.initLog}</pre>
        </details>
      ) : null}
    </li>
  );
}

/** A project's worktrees with live status; create, remove (with the dirty warning) and restore. */
export function WorktreesPanel({ project }: { project: Project }) {
  const worktrees = useResource(() => getClient().api.worktrees.list({ projectId: project.id }), [project.id], ['worktrees:changed'], (p) => (p as { projectId: string }).projectId === project.id);
  return (
    <section className="card" aria-label="Worktrees">
      <h3>Worktrees</h3>
      {project.config.useWorktrees ? (
        <CreateWorktreeForm project={project} />
      ) : (
        <p className="note">This project works in the main checkout; worktrees are turned off in its settings.</p>
      )}
      {worktrees.error ? <ErrorBanner error={worktrees.error} onRetry={worktrees.reload} /> : null}
      {worktrees.loading && worktrees.data === null ? (
        <LoadingRows label="Loading worktrees…" rows={2} />
      ) : (worktrees.data ?? []).length === 0 ? (
        <EmptyState title="No worktrees">Each agent gets its own worktree on its own branch, outside your checkout.</EmptyState>
      ) : (
        <ul className="worktree-list">
          {worktrees.data!.map((w) => (
            <WorktreeRow key={w.id} worktree={w} />
          ))}
        </ul>
      )}
    </section>
  );
}
