import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  AGENT_KINDS,
  PERMISSION_MODES,
  PROMPT_MODES_BY_KIND,
  agentProfileInputSchema,
  defaultPromptMode,
  type AgentKind,
  type AgentProfile,
  type PermissionMode,
  type PromptMode,
} from '../../src-common/domain/agent';
import { formatZodError } from '../../src-common/format-zod-error';
import { getClient } from '../api/client';
import { useResource } from '../hooks/use-resource';
import { KIND_LABELS, PERMISSION_MODE_WORDS, PROMPT_MODE_WORDS } from './agent-words';

interface EnvRow {
  key: string;
  value: string;
}

interface Draft {
  name: string;
  kind: AgentKind;
  command: string;
  args: string;
  env: EnvRow[];
  model: string;
  permissionMode: PermissionMode;
  promptMode: PromptMode;
}

/** What the editor opens on: a profile to edit, or the fields of a new one (blank, or a copy). */
export type EditorTarget = { mode: 'edit'; profile: AgentProfile } | { mode: 'new'; from: Omit<AgentProfile, 'id' | 'builtIn' | 'createdAt' | 'updatedAt'> | null };

const SECRETISH = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

function toDraft(p: EditorTarget): Draft {
  const from = p.mode === 'edit' ? p.profile : p.from;
  if (!from) return { name: '', kind: 'shell', command: '', args: '', env: [], model: '', permissionMode: 'supervised', promptMode: defaultPromptMode('shell') };
  return {
    name: p.mode === 'new' ? `${from.name} (copy)` : from.name,
    kind: from.kind,
    command: from.command,
    args: from.args.join('\n'),
    env: Object.entries(from.env).map(([key, value]) => ({ key, value })),
    model: from.model ?? '',
    permissionMode: from.permissionMode,
    promptMode: from.promptMode,
  };
}

function fromDraft(d: Draft) {
  return {
    name: d.name,
    kind: d.kind,
    command: d.command,
    // One argument per line, taken as written: no quoting to get wrong.
    args: d.args.split('\n').filter((line) => line.length > 0),
    env: Object.fromEntries(d.env.filter((r) => r.key.trim() !== '' || r.value !== '').map((r) => [r.key.trim(), r.value])),
    model: d.model.trim() ? d.model.trim() : null,
    permissionMode: d.permissionMode,
    promptMode: d.promptMode,
  };
}

/** The variables agents start with, by name, with those this profile sets marked. */
function EnvironmentKeys({ overridden }: { overridden: Set<string> }) {
  const [refresh, setRefresh] = useState(0);
  const summary = useResource(() => getClient().api.profiles.environment(refresh > 0 ? { refresh: true } : {}), [refresh]);
  const data = summary.data;
  return (
    <details className="env-keys" data-testid="environment-keys">
      <summary>
        Environment agents start with{data ? ` (${data.keys.length} variables${data.source === 'login-shell' && data.shell ? ` from ${data.shell}` : ''})` : ''}
      </summary>
      <p className="hint">
        Read once from your login shell, the way your terminal gets it; Pitwall&apos;s own variables are left out. Names only: values never leave Pitwall. The variables above are added on
        top, and each session gets <code>PITWALL_SESSION_ID</code> (Claude Code also its hook&apos;s address and secret).
      </p>
      {data?.problem ? (
        <p className="field-error" role="alert">
          {data.problem}
        </p>
      ) : null}
      {summary.error ? (
        <p className="field-error" role="alert">
          {summary.error.message}
        </p>
      ) : null}
      {data ? (
        <ul className="key-list">
          {data.keys.map((k) => (
            <li key={k} className={overridden.has(k) ? 'overridden' : undefined} title={overridden.has(k) ? 'Set by this profile' : undefined}>
              {k}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">{summary.loading ? 'Asking your login shell…' : ''}</p>
      )}
      <button type="button" className="button small" disabled={summary.loading} onClick={() => setRefresh((n) => n + 1)}>
        {summary.loading ? 'Reading…' : 'Read my shell’s environment again'}
      </button>
    </details>
  );
}

/** Creates or edits an agent profile: command, arguments, environment, model, permission and prompt modes. */
export function ProfileEditor({ target, onClose }: { target: EditorTarget; onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(target));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const builtIn = target.mode === 'edit' && target.profile.builtIn;

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => setDraft((d) => ({ ...d, [key]: value }));
  const setKind = (kind: AgentKind): void =>
    setDraft((d) => ({ ...d, kind, promptMode: PROMPT_MODES_BY_KIND[kind].includes(d.promptMode) ? d.promptMode : defaultPromptMode(kind) }));
  const setEnv = (index: number, row: Partial<EnvRow>): void => setDraft((d) => ({ ...d, env: d.env.map((r, i) => (i === index ? { ...r, ...row } : r)) }));

  const input = fromDraft(draft);
  const parsed = agentProfileInputSchema.safeParse(input);
  const duplicateKeys = draft.env.map((r) => r.key.trim()).filter((k, i, all) => k !== '' && all.indexOf(k) !== i);
  const badKey = draft.env.map((r) => r.key.trim()).find((k) => k !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
  const missingKey = draft.env.some((r) => r.key.trim() === '' && r.value !== '');
  const problem =
    badKey !== undefined
      ? `“${badKey}” cannot be a variable name: use letters, digits and _, not starting with a digit`
      : missingKey
        ? 'A variable has a value but no name'
        : duplicateKeys.length > 0
          ? `${duplicateKeys[0]} is set twice`
          : !parsed.success
            ? formatZodError(parsed.error)
            : null;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    const api = getClient().api.profiles;
    const result = target.mode === 'edit' ? await api.update({ id: target.profile.id, ...input }) : await api.create(input);
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else onClose();
  };

  const reset = async (): Promise<void> => {
    if (target.mode !== 'edit') return;
    setBusy(true);
    const result = await getClient().api.profiles.reset({ id: target.profile.id });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else setDraft(toDraft({ mode: 'edit', profile: result.value }));
  };

  const title = target.mode === 'edit' ? `Edit ${target.profile.name}` : 'New agent profile';
  return (
    <dialog ref={dialog} className="dialog wide-dialog" aria-labelledby="profile-title" onClose={onClose} onCancel={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="profile-title">{title}</h2>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="profile-name">Name</label>
            <input id="profile-name" value={draft.name} autoComplete="off" onChange={(e) => set('name', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="profile-kind">Agent</label>
            <select id="profile-kind" value={draft.kind} disabled={builtIn} onChange={(e) => setKind(e.target.value as AgentKind)}>
              {AGENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
            {builtIn ? <p className="hint">Built in; duplicate it for another agent.</p> : null}
          </div>
        </div>
        <div className="field">
          <label htmlFor="profile-command">Command</label>
          <input id="profile-command" className="mono" value={draft.command} placeholder="claude, or /opt/tools/bin/my-agent" autoComplete="off" spellCheck={false} onChange={(e) => set('command', e.target.value)} />
          <p className="hint">A name looked up on your login shell’s PATH, or an absolute path.</p>
        </div>
        <div className="field">
          <label htmlFor="profile-args">Arguments</label>
          <textarea id="profile-args" className="mono" rows={3} value={draft.args} spellCheck={false} placeholder={'--verbose\n--add-dir\n/srv/shared'} onChange={(e) => set('args', e.target.value)} />
          <p className="hint">One argument per line, passed as written (no shell quoting).</p>
        </div>
        <fieldset className="field prompt-modes">
          <legend>First prompt (a task, or what you type in “New session”)</legend>
          {PROMPT_MODES_BY_KIND[draft.kind].map((mode) => (
            <div key={mode} className="radio">
              <input id={`prompt-${mode}`} type="radio" name="prompt-mode" value={mode} checked={draft.promptMode === mode} aria-describedby={`prompt-${mode}-hint`} onChange={() => set('promptMode', mode)} />
              <label htmlFor={`prompt-${mode}`}>{PROMPT_MODE_WORDS[mode].label}</label>
              <span id={`prompt-${mode}-hint`} className="hint">
                {PROMPT_MODE_WORDS[mode].hint(draft.kind)}
              </span>
            </div>
          ))}
        </fieldset>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="profile-model">Model (optional)</label>
            <input id="profile-model" value={draft.model} placeholder="the agent's default" autoComplete="off" disabled={draft.kind === 'shell'} onChange={(e) => set('model', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="profile-permission">Tool calls</label>
            <select id="profile-permission" value={draft.permissionMode} onChange={(e) => set('permissionMode', e.target.value as PermissionMode)}>
              {PERMISSION_MODES.map((m) => (
                <option key={m} value={m}>
                  {PERMISSION_MODE_WORDS[m]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="field env-editor">
          <legend>Environment variables</legend>
          {draft.env.length === 0 ? <p className="hint">None: the agent gets your environment as it is (below).</p> : null}
          {draft.env.map((row, i) => (
            <div className="env-row" key={i}>
              <input aria-label={`Name of variable ${i + 1}`} className="mono" value={row.key} placeholder="NAME" spellCheck={false} autoComplete="off" onChange={(e) => setEnv(i, { key: e.target.value })} />
              <span aria-hidden="true">=</span>
              <input
                aria-label={`Value of ${row.key.trim() || `variable ${i + 1}`}`}
                className="mono"
                type={SECRETISH.test(row.key) ? 'password' : 'text'}
                value={row.value}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => setEnv(i, { value: e.target.value })}
              />
              <button type="button" className="button small" aria-label={`Remove ${row.key.trim() || `variable ${i + 1}`}`} onClick={() => set('env', draft.env.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button small" onClick={() => set('env', [...draft.env, { key: '', value: '' }])}>
            Add variable
          </button>
        </fieldset>
        <EnvironmentKeys overridden={new Set(draft.env.map((r) => r.key.trim()).filter(Boolean))} />
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Saving…' : target.mode === 'edit' ? 'Save profile' : 'Add profile'}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {builtIn ? (
            <>
              <span className="spacer" />
              <button type="button" className="button" disabled={busy} onClick={() => void reset()}>
                Restore defaults
              </button>
            </>
          ) : null}
        </div>
      </form>
    </dialog>
  );
}
