import { useState } from 'react';
import type { AgentProfile } from '../../src-common/domain/agent';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows } from '../components/common';
import { useResource } from '../hooks/use-resource';
import { KIND_LABELS, PROMPT_MODE_WORDS } from './agent-words';
import { ProfileEditor, type EditorTarget } from './profile-editor';

function copyOf(p: AgentProfile): EditorTarget {
  const { id: _id, builtIn: _builtIn, createdAt: _c, updatedAt: _u, ...fields } = p;
  return { mode: 'new', from: fields };
}

/** Agent profiles: what each agent runs and how; edit, duplicate, add, remove. */
export function ProfilesSection() {
  const profiles = useResource(() => getClient().api.profiles.list({}), [], ['profiles:changed']);
  const [editing, setEditing] = useState<EditorTarget | null>(null);
  const [error, setError] = useState<string | null>(null);
  const remove = async (p: AgentProfile): Promise<void> => {
    const result = await getClient().api.profiles.remove({ id: p.id });
    setError(result.ok ? null : result.error.message);
  };
  return (
    <section className="card" aria-label="Agent profiles">
      <div className="card-header">
        <h3>Agent profiles</h3>
        <button type="button" className="button small" onClick={() => setEditing({ mode: 'new', from: null })}>
          New profile
        </button>
      </div>
      <p className="small muted">What runs when a session or task starts: any command can be an agent. Agents start with your login shell’s environment.</p>
      {profiles.error ? <ErrorBanner error={profiles.error} onRetry={profiles.reload} /> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {!profiles.data ? (
        <LoadingRows label="Loading profiles…" rows={2} />
      ) : (
        <table className="table profiles-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Agent</th>
              <th>Command</th>
              <th>Prompt</th>
              <th>Tool calls</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {profiles.data.map((p) => (
              <tr key={p.id} data-testid="profile-row">
                <td>
                  {p.name}
                  {p.builtIn ? <span className="tag inline-tag">built in</span> : null}
                </td>
                <td>{KIND_LABELS[p.kind]}</td>
                <td className="mono ellipsis" title={[p.command, ...p.args].join(' ')}>
                  {[p.command, ...p.args].join(' ')}
                  {Object.keys(p.env).length > 0 ? <span className="muted"> +{Object.keys(p.env).length} env</span> : null}
                </td>
                <td>{PROMPT_MODE_WORDS[p.promptMode].short}</td>
                <td>{p.permissionMode}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button small" aria-label={`Edit ${p.name}`} onClick={() => setEditing({ mode: 'edit', profile: p })}>
                      Edit
                    </button>
                    <button type="button" className="button small" aria-label={`Duplicate ${p.name}`} onClick={() => setEditing(copyOf(p))}>
                      Duplicate
                    </button>
                    {!p.builtIn ? (
                      <button type="button" className="button small danger" aria-label={`Remove ${p.name}`} onClick={() => void remove(p)}>
                        Remove
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? <ProfileEditor target={editing} onClose={() => setEditing(null)} /> : null}
    </section>
  );
}
