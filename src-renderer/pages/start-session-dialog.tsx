import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Session } from '../../src-common/domain/agent';
import { getClient } from '../api/client';
import { useResource } from '../hooks/use-resource';

/** Start an agent: project, where (main checkout, a worktree, or a new one), profile, first prompt. */
export function StartSessionDialog({ onClose, onStarted }: { onClose: () => void; onStarted: (session: Session) => void }) {
  const api = getClient().api;
  const projects = useResource(() => api.projects.list({}), []);
  const profiles = useResource(() => api.profiles.list({}), []);
  const [projectId, setProjectId] = useState('');
  const project = (projects.data ?? []).find((p) => p.id === projectId) ?? projects.data?.[0] ?? null;
  const worktrees = useResource(() => (project ? api.worktrees.list({ projectId: project.id }) : Promise.resolve({ ok: true as const, value: [] })), [project?.id]);
  const [where, setWhere] = useState<'new' | 'main' | string>('new');
  const [branch, setBranch] = useState('');
  const [profileId, setProfileId] = useState('');
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const profile = (profiles.data ?? []).find((p) => p.id === profileId) ?? profiles.data?.[0] ?? null;
  const canUseWorktrees = project?.config.useWorktrees ?? true;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!project || !profile) return;
    const mode = canUseWorktrees ? where : 'main';
    if (mode === 'new' && !branch.trim()) {
      setError('Name the branch for the new worktree.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await api.sessions.start({
      projectId: project.id,
      profileId: profile.id,
      ...(mode === 'new' ? { newWorktree: { branch: branch.trim() } } : mode === 'main' ? {} : { worktreeId: mode }),
      ...(prompt.trim() && profile.promptMode !== 'none' ? { prompt } : {}),
      cols: 120,
      rows: 32,
    });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else onStarted(result.value);
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="start-title" onClose={onClose} onCancel={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="start-title">New session</h2>
        {(projects.data ?? []).length === 0 && !projects.loading ? <p className="note">Add a project first (Projects page).</p> : null}
        <div className="field">
          <label htmlFor="start-project">Project</label>
          <select id="start-project" value={project?.id ?? ''} onChange={(e) => setProjectId(e.target.value)}>
            {(projects.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="start-where">Work in</label>
          <select id="start-where" value={canUseWorktrees ? where : 'main'} disabled={!canUseWorktrees} onChange={(e) => setWhere(e.target.value)}>
            {canUseWorktrees ? <option value="new">A new worktree</option> : null}
            <option value="main">The main checkout</option>
            {(worktrees.data ?? [])
              .filter((w) => w.status === 'active')
              .map((w) => (
                <option key={w.id} value={w.id}>
                  Worktree {w.branch}
                </option>
              ))}
          </select>
        </div>
        {canUseWorktrees && where === 'new' ? (
          <div className="field">
            <label htmlFor="start-branch">New branch</label>
            <input id="start-branch" value={branch} placeholder="agent/fix-login" autoComplete="off" spellCheck={false} onChange={(e) => setBranch(e.target.value)} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="start-profile">Agent</label>
          <select id="start-profile" value={profile?.id ?? ''} onChange={(e) => setProfileId(e.target.value)}>
            {(profiles.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {profile?.promptMode === 'none' ? (
          <p className="note">{profile.name} takes no first prompt; type into its terminal once it starts (Settings → Agent profiles says how each agent gets one).</p>
        ) : (
          <div className="field">
            <label htmlFor="start-prompt">First prompt (optional)</label>
            <textarea id="start-prompt" rows={4} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </div>
        )}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !project || !profile}>
            {busy ? 'Starting…' : 'Start session'}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
