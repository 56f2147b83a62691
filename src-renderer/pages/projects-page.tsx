import { useState, type FormEvent } from 'react';
import type { Project } from '../../src-common/domain/project';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { ProjectConfigForm } from './project-config-form';
import { WorktreesPanel } from './worktrees-panel';

function AddProjectForm({ onAdded }: { onAdded: (project: Project) => void }) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!path.trim()) {
      setError('Enter the path of a git repository.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await getClient().api.projects.add({ path: path.trim() });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setPath('');
    onAdded(result.value);
  };

  return (
    <form className="add-project" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="repo-path">Repository path</label>
      <div className="row">
        <input
          id="repo-path"
          type="text"
          value={path}
          placeholder="/home/you/code/my-repo"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error !== null}
          aria-describedby={error ? 'repo-path-error' : undefined}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add'}
        </button>
      </div>
      {error ? (
        <p id="repo-path-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function ProjectDetail({ project, onRemoved }: { project: Project; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (): Promise<void> => {
    const result = await getClient().api.projects.remove({ id: project.id });
    if (!result.ok) setError(result.error.message);
    else onRemoved();
  };
  return (
    <section className="project-detail" aria-label={`Project ${project.name}`}>
      <header className="detail-header">
        <div>
          <h2>{project.name}</h2>
          <p className="muted mono">{project.path}</p>
        </div>
        {confirming ? (
          <div className="confirm" role="group" aria-label="Confirm removal" onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
            <span>Pitwall forgets this project; your files are not touched.</span>
            <button type="button" className="button danger" autoFocus onClick={() => void remove()}>
              Remove project
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button" aria-label={`Remove project ${project.name}`} onClick={() => setConfirming(true)}>
            Remove
          </button>
        )}
      </header>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <WorktreesPanel project={project} />
      <ProjectConfigForm project={project} />
    </section>
  );
}

/** Registered repositories: add by path, list, and the selected one's worktrees and settings. */
export function ProjectsPage({ selectedId }: { selectedId: string | null }) {
  const projects = useResource(() => getClient().api.projects.list({}), [], ['projects:changed']);
  const list = projects.data ?? [];
  const selected = list.find((p) => p.id === selectedId) ?? (selectedId === null ? list[0] : undefined) ?? null;

  return (
    <div className="page projects-page">
      <PageHeader title="Projects" />
      <div className="split">
        <aside className="list-pane">
          <AddProjectForm onAdded={(p) => navigate('projects', p.id)} />
          {projects.error ? <ErrorBanner error={projects.error} onRetry={projects.reload} /> : null}
          {projects.loading && projects.data === null ? (
            <LoadingRows label="Loading projects…" />
          ) : list.length === 0 ? (
            <EmptyState title="No projects yet">Add a git repository by its path to start.</EmptyState>
          ) : (
            <ul className="project-list" aria-label="Projects">
              {list.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    data-testid="project-item"
                    className="project-item"
                    aria-current={selected?.id === p.id ? 'true' : undefined}
                    onClick={() => navigate('projects', p.id)}
                  >
                    <span className="project-name">{p.name}</span>
                    <span className="muted mono small">{p.path}</span>
                    <span className="muted small">base: {p.config.baseBranch}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </aside>
        <div className="detail-pane">
          {selected ? (
            <ProjectDetail key={selected.id} project={selected} onRemoved={() => navigate('projects')} />
          ) : list.length > 0 ? (
            <EmptyState title="Select a project">Its worktrees and settings show here.</EmptyState>
          ) : null}
        </div>
      </div>
    </div>
  );
}
