import { useState, type FormEvent } from 'react';
import { RULE_EFFECTS, RULE_SCOPES, type PermissionRule } from '../../src-common/domain/approval';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { ProfilesSection } from './profiles-settings';
import { TranscriptProblemsSection, TranscriptRootsSection } from './transcripts-settings';
import { TeamSection } from './team-settings';
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
      <input id="approval-timeout" className="minutes" inputMode="decimal" placeholder="never" value={shown} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit" className="button">
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

/** How patterns match, where rules are written. */
function PatternHelp() {
  return (
    <details className="pattern-help">
      <summary>How patterns match</summary>
      <h4>Bash commands</h4>
      <ul>
        <li>
          A pattern is matched word by word against each command of a line (<code>a &amp;&amp; b</code>, <code>a | b</code>, <code>a; b</code>): <code>git status</code>{' '}
          matches exactly <code>git status</code>.
        </li>
        <li>
          A <code>*</code> at the end means any further arguments: <code>git status*</code> and <code>git status *</code> match <code>git status</code> and{' '}
          <code>git status -s</code>, never <code>git status-pwn</code>. After a <code>/</code> or <code>=</code> it also completes the word (<code>ls src/*</code>).
        </li>
        <li>
          Anywhere else <code>*</code> and <code>?</code> match within one word: <code>rm *.log</code> allows <code>rm build.log</code>, not{' '}
          <code>rm ~/.ssh/id_rsa x.log</code>. Quote or backslash a character to make it literal (<code>rm \*.log</code>).
        </li>
        <li>
          Allowing takes every command of the line. A line that runs something its text does not show (<code>$(…)</code>, backticks, <code>&lt;(…)</code>,{' '}
          <code>=(…)</code>, arithmetic on variables) is always asked. Deny and ask rules also see inside those, and past <code>sudo</code>, <code>xargs</code>,{' '}
          <code>bash -c</code> and <code>eval</code>.
        </li>
        <li>
          Writing a file with <code>&gt;</code>, <code>&gt;&gt;</code> or <code>&amp;&gt;</code> is allowed only by a pattern with that redirection (<code>echo * &gt; notes.txt</code>);{' '}
          <code>2&gt;&amp;1</code> and <code>/dev/null</code> are always fine. Variables set before a command (<code>FOO=1 npm test</code>) must be in the pattern.
        </li>
        <li>A pattern of several commands (<code>curl * | sh</code>) matches those commands joined the same way.</li>
      </ul>
      <h4>Files (Write, Edit, Read, Glob, Grep, …)</h4>
      <ul>
        <li>
          The path is resolved first: against the session&apos;s worktree, with <code>.</code>, <code>..</code> and symbolic links followed, so{' '}
          <code>src/../../etc/passwd</code> is outside <code>src</code> and a link to <code>/etc</code> is <code>/etc</code>.
        </li>
        <li>
          A relative pattern (<code>src/**</code>, <code>.env*</code>) is about files inside the worktree only; an absolute one (<code>/etc/**</code>, <code>~/.ssh/**</code>) about
          files anywhere.
        </li>
        <li>
          <code>*</code> matches within a folder name, <code>**</code> any number of folders, <code>?</code> one character. <code>.env*</code> matches <code>.env</code> at the top
          of the worktree; <code>**/.env*</code> at any depth.
        </li>
      </ul>
      <h4>Other tools</h4>
      <ul>
        <li>
          WebFetch patterns match the URL (<code>https://docs.example.com/*</code>), WebSearch the query; <code>*</code> matches any characters. MCP tools can be named by server:{' '}
          <code>mcp__github__*</code>.
        </li>
      </ul>
    </details>
  );
}

function RulesSection() {
  const rules = useResource(() => getClient().api.rules.list({}), [], ['rules:changed']);
  return (
    <section className="card" aria-label="Permission rules">
      <h3>Permission rules</h3>
      <p className="muted small">Deny beats ask beats allow. Without a pattern a rule covers any input of the tool.</p>
      <PatternHelp />
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
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
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
                  <div className="row-actions">
                    <button type="button" className="button small" aria-label={`Remove rule ${r.effect} ${r.toolName} ${r.pattern ?? ''}`} onClick={() => void getClient().api.rules.remove({ id: r.id })}>
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
      <TeamSection />
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
