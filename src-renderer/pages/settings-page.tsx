import { useState, type FormEvent } from 'react';
import { RULE_EFFECTS, RULE_SCOPES, type PermissionRule } from '../../src-common/domain/approval';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { TranscriptProblemsSection, TranscriptRootsSection } from './transcripts-settings';
import { EditorSection, NotificationsSection, UpdatesSection } from './desktop-settings';
import { useResource } from '../hooks/use-resource';

function RuleForm() {
  const projects = useResource(() => getClient().api.projects.list({}), [], ['projects:changed']);
  const [effect, setEffect] = useState<PermissionRule['effect']>('allow');
  const [toolName, setToolName] = useState('Bash');
  const [pattern, setPattern] = useState('');
  const [scope, setScope] = useState<PermissionRule['scope']>('global');
  const [projectId, setProjectId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    const result = await getClient().api.rules.create({
      effect,
      toolName,
      pattern: pattern.trim() ? pattern.trim() : null,
      scope,
      projectId: scope === 'project' ? projectId || null : null,
      sessionId: null,
    });
    if (!result.ok) setError(result.error.message);
    else setPattern('');
  };
  return (
    <form className="rule-form" onSubmit={(e) => void submit(e)} aria-label="Add a rule">
      <div className="field">
        <label htmlFor="rule-effect">Effect</label>
        <select id="rule-effect" value={effect} onChange={(e) => setEffect(e.target.value as PermissionRule['effect'])}>
          {RULE_EFFECTS.map((x) => (
            <option key={x}>{x}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rule-tool">Tool</label>
        <input id="rule-tool" value={toolName} list="rule-tools" onChange={(e) => setToolName(e.target.value)} />
        <datalist id="rule-tools">
          {['Bash', 'Write', 'Edit', 'Read', 'WebFetch', 'mcp__*', '*'].map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      <div className="field grow">
        <label htmlFor="rule-pattern">Pattern (optional)</label>
        <input id="rule-pattern" className="mono" value={pattern} placeholder={toolName === 'Bash' ? 'git status*' : 'src/**'} onChange={(e) => setPattern(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="rule-scope">Scope</label>
        <select id="rule-scope" value={scope} onChange={(e) => setScope(e.target.value as PermissionRule['scope'])}>
          {RULE_SCOPES.filter((s) => s !== 'session').map((x) => (
            <option key={x}>{x}</option>
          ))}
        </select>
      </div>
      {scope === 'project' ? (
        <div className="field">
          <label htmlFor="rule-project">Project</label>
          <select id="rule-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">Choose…</option>
            {(projects.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <button type="submit" className="button primary">
        Add rule
      </button>
      {error ? (
        <p className="field-error wide" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function ApprovalTimeoutForm() {
  const current = useResource(() => getClient().api.settings.get({}), [], ['settings:changed']);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const shown = draft ?? (current.data?.approvalTimeoutSeconds != null ? String(current.data.approvalTimeoutSeconds / 60) : '');
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const minutes = shown.trim() === '' ? null : Number(shown);
    if (minutes !== null && !Number.isFinite(minutes)) {
      setMessage({ ok: false, text: 'Enter a number of minutes, or leave it empty to wait for ever.' });
      return;
    }
    const result = await getClient().api.settings.update({ approvalTimeoutSeconds: minutes === null ? null : Math.round(minutes * 60) });
    setMessage(result.ok ? { ok: true, text: 'Saved' } : { ok: false, text: result.error.message });
    if (result.ok) setDraft(null);
  };
  return (
    <form className="row wrap timeout-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="approval-timeout">Deny a pending approval after (minutes)</label>
      <input id="approval-timeout" inputMode="decimal" placeholder="never" value={shown} onChange={(e) => setDraft(e.target.value)} style={{ width: 90 }} />
      <button type="submit" className="button small">
        Save
      </button>
      {message ? (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved' : 'field-error'}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}

function RulesSection() {
  const rules = useResource(() => getClient().api.rules.list({}), [], ['rules:changed']);
  return (
    <section className="card" aria-label="Permission rules">
      <h3>Permission rules</h3>
      <p className="muted small">Deny beats ask beats allow. Bash patterns match each command of a compound line; path patterns are relative to the worktree.</p>
      <ApprovalTimeoutForm />
      <RuleForm />
      {rules.error ? <ErrorBanner error={rules.error} onRetry={rules.reload} /> : null}
      {rules.loading && !rules.data ? (
        <LoadingRows label="Loading rules…" rows={2} />
      ) : (rules.data ?? []).length === 0 ? (
        <EmptyState title="No rules yet">Without rules, each profile’s mode decides: supervised asks, plan only reads, auto allows.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Effect</th>
              <th>Tool</th>
              <th>Pattern</th>
              <th>Scope</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.data!.map((r) => (
              <tr key={r.id} data-testid="rule-row">
                <td>
                  <span className={`badge badge-${r.effect}`}>{r.effect}</span>
                </td>
                <td className="mono">{r.toolName}</td>
                <td className="mono">{r.pattern ?? 'any'}</td>
                <td>{r.scope}</td>
                <td>
                  <button type="button" className="button small" aria-label={`Remove rule ${r.effect} ${r.toolName} ${r.pattern ?? ''}`} onClick={() => void getClient().api.rules.remove({ id: r.id })}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ProfilesSection() {
  const profiles = useResource(() => getClient().api.profiles.list({}), [], ['profiles:changed']);
  return (
    <section className="card" aria-label="Agent profiles">
      <h3>Agent profiles</h3>
      {profiles.error ? <ErrorBanner error={profiles.error} onRetry={profiles.reload} /> : null}
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Command</th>
            <th>Model</th>
            <th>Mode</th>
          </tr>
        </thead>
        <tbody>
          {(profiles.data ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{p.kind}</td>
              <td className="mono">{[p.command, ...p.args].join(' ')}</td>
              <td>{p.model ?? 'default'}</td>
              <td>{p.permissionMode}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** About this install, permission rules and agent profiles. */
export function SettingsPage() {
  const info = useResource(() => getClient().api.app.info({}), []);
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <section className="card" aria-label="About">
        <h3>About</h3>
        {info.data ? (
          <dl className="facts">
            <dt>Version</dt>
            <dd>{info.data.version}</dd>
            <dt>Shell</dt>
            <dd>{info.data.shell === 'electron' ? 'Desktop app' : 'Headless (browser)'}</dd>
            <dt>Data folder</dt>
            <dd className="mono">{info.data.dataDir}</dd>
            <dt>Platform</dt>
            <dd>{info.data.platform}</dd>
          </dl>
        ) : info.error ? (
          <ErrorBanner error={info.error} onRetry={info.reload} />
        ) : (
          <LoadingRows label="Loading…" rows={1} />
        )}
      </section>
      <NotificationsSection shell={info.data?.shell ?? null} />
      <EditorSection />
      <UpdatesSection />
      <RulesSection />
      <ProfilesSection />
      <TranscriptRootsSection />
      <TranscriptProblemsSection />
    </div>
  );
}
