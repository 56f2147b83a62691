import { useMemo, useState, type FormEvent, type ReactElement } from 'react';
import { projectConfigSchema, type Project, type ProjectConfig } from '../../src-common/domain/project';
import { getClient } from '../api/client';

interface Draft {
  baseBranch: string;
  worktreeRoot: string;
  useWorktrees: boolean;
  copyFiles: string;
  initScript: string;
  verifyCommand: string;
  maxConcurrentAgents: string;
}

function toDraft(c: ProjectConfig): Draft {
  return {
    baseBranch: c.baseBranch,
    worktreeRoot: c.worktreeRoot ?? '',
    useWorktrees: c.useWorktrees,
    copyFiles: c.copyFiles.join('\n'),
    initScript: c.initScript ?? '',
    verifyCommand: c.verifyCommand ?? '',
    maxConcurrentAgents: String(c.maxConcurrentAgents),
  };
}

function fromDraft(d: Draft): unknown {
  return {
    baseBranch: d.baseBranch,
    worktreeRoot: d.worktreeRoot.trim() ? d.worktreeRoot.trim() : null,
    useWorktrees: d.useWorktrees,
    copyFiles: d.copyFiles.split('\n').map((l) => l.trim()).filter(Boolean),
    initScript: d.initScript.trim() ? d.initScript : null,
    verifyCommand: d.verifyCommand.trim() ? d.verifyCommand : null,
    maxConcurrentAgents: d.maxConcurrentAgents.trim() === '' ? NaN : Number(d.maxConcurrentAgents),
  };
}

/** The project's settings, validated with the same schema the core uses. */
export function ProjectConfigForm({ project }: { project: Project }) {
  const initial = useMemo(() => toDraft(project.config), [project.config]);
  const [draft, setDraft] = useState<Draft>(initial);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const parsed = projectConfigSchema.safeParse(fromDraft(draft));
  const errors = new Map<string, string>();
  if (!parsed.success) for (const issue of parsed.error.issues) errors.set(String(issue.path[0]), issue.path[0] === 'maxConcurrentAgents' && issue.code === 'invalid_type' ? 'Enter a whole number' : issue.message);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!parsed.success) return;
    setSaving(true);
    setServerError(null);
    const result = await getClient().api.projects.update({ id: project.id, config: parsed.data });
    setSaving(false);
    if (result.ok) setSaved(true);
    else setServerError(result.error.message);
  };

  const field = (key: keyof Draft, label: string, input: ReactElement, hint?: string) => (
    <div className="field">
      <label htmlFor={`cfg-${key}`}>{label}</label>
      {input}
      {hint ? <p className="hint">{hint}</p> : null}
      {errors.has(key) ? (
        <p className="field-error" role="alert">
          {errors.get(key)}
        </p>
      ) : null}
    </div>
  );

  return (
    <form className="card config-form" aria-label="Project settings" onSubmit={(e) => void submit(e)}>
      <h3>Settings</h3>
      <div className="grid-2">
        {field('baseBranch', 'Base branch', <input id="cfg-baseBranch" value={draft.baseBranch} onChange={(e) => set('baseBranch', e.target.value)} />)}
        {field(
          'maxConcurrentAgents',
          'Max concurrent agents',
          <input id="cfg-maxConcurrentAgents" inputMode="numeric" value={draft.maxConcurrentAgents} onChange={(e) => set('maxConcurrentAgents', e.target.value)} />,
        )}
      </div>
      {field(
        'worktreeRoot',
        'Worktree root',
        <input id="cfg-worktreeRoot" className="mono" placeholder={project.resolvedWorktreeRoot} value={draft.worktreeRoot} onChange={(e) => set('worktreeRoot', e.target.value)} />,
        'Empty uses the default folder shown, outside the repository.',
      )}
      <div className="field checkbox">
        <input id="cfg-useWorktrees" type="checkbox" checked={draft.useWorktrees} onChange={(e) => set('useWorktrees', e.target.checked)} />
        <label htmlFor="cfg-useWorktrees">Use worktrees (off: agents work in the main checkout)</label>
      </div>
      {field(
        'copyFiles',
        'Files to copy into new worktrees',
        <textarea id="cfg-copyFiles" className="mono" rows={3} value={draft.copyFiles} onChange={(e) => set('copyFiles', e.target.value)} />,
        'One gitignore-style pattern per line, added to the repository’s .worktreeinclude. Copies are never committed by Pitwall: they are listed in the repository’s .git/info/exclude.',
      )}
      {field('initScript', 'Init script', <textarea id="cfg-initScript" className="mono" rows={2} placeholder="npm ci" value={draft.initScript} onChange={(e) => set('initScript', e.target.value)} />, 'Runs in each new worktree; its output is kept.')}
      {field('verifyCommand', 'Verify command', <input id="cfg-verifyCommand" className="mono" placeholder="npm test" value={draft.verifyCommand} onChange={(e) => set('verifyCommand', e.target.value)} />, 'Checks an agent’s work before review.')}
      {serverError ? (
        <p className="field-error" role="alert">
          {serverError}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={!dirty || !parsed.success || saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        {saved && !dirty ? <span className="saved" role="status">Saved</span> : null}
        {dirty ? (
          <button type="button" className="button" onClick={() => setDraft(initial)}>
            Discard changes
          </button>
        ) : null}
      </div>
    </form>
  );
}
