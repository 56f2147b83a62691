import { useEffect, useState, type FormEvent } from 'react';
import type { TeamStatus } from '../../src-common/domain/team';
import type { ContentLevel } from '../../src-common/sync/protocol';
import type { AppErrorData, Result } from '../../src-common/result';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows } from '../components/common';
import { formatDuration, formatTime, plural } from '../format';
import { useResource } from '../hooks/use-resource';
import { navigate } from '../hooks/use-route';

/** The team status, kept live from the `team:status` event. */
export function useTeamStatus(): { status: TeamStatus | null; error: AppErrorData | null; reload: () => void; set: (s: TeamStatus) => void } {
  const [status, setStatus] = useState<TeamStatus | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const client = getClient();
    let live = true;
    void client.api.team.status({}).then((r) => {
      if (!live) return;
      if (r.ok) setStatus(r.value);
      else setError(r.error);
    });
    const off = client.on('team:status', (s) => setStatus(s));
    return () => {
      live = false;
      off();
    };
  }, [generation]);
  return { status, error, reload: () => setGeneration((g) => g + 1), set: setStatus };
}

const STATE_LABEL: Record<TeamStatus['state'], string> = {
  off: 'Not in a team',
  idle: 'Up to date',
  pushing: 'Pushing',
  backoff: 'Retrying',
  paused: 'Paused',
  removed: 'Removed',
};

const STATE_BADGE: Record<TeamStatus['state'], string> = {
  off: '',
  idle: 'badge-active',
  pushing: 'badge-running',
  backoff: 'badge-pending',
  paused: 'badge-queued',
  removed: 'badge-error',
};

function ago(at: number | null): string {
  if (at === null) return 'never';
  const ms = Date.now() - at;
  if (ms < 0) return formatTime(at);
  if (ms < 5_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

function JoinForm({ onJoined }: { onJoined: (s: TeamStatus) => void }) {
  const [serverUrl, setServerUrl] = useState('');
  const [code, setCode] = useState('');
  const [insecure, setInsecure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await getClient().api.team.enroll({ serverUrl, code, allowInsecureHttp: insecure });
    setBusy(false);
    if (result.ok) onJoined(result.value);
    else setError(result.error.message);
  };
  return (
    <form className="team-join" onSubmit={(e) => void submit(e)} aria-label="Join a team">
      <p className="muted small">
        Push your sessions, approvals, tool calls and usage to your team’s server. Nothing leaves this machine until you turn a project on below.
      </p>
      <div className="team-join-fields">
        <div className="field">
          <label htmlFor="team-url">Team server URL</label>
          <input id="team-url" type="url" placeholder="https://pitwall.example.com" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required autoComplete="url" />
        </div>
        <div className="field">
          <label htmlFor="team-code">Enrollment code</label>
          <input id="team-code" type="password" className="mono" placeholder="pwe.…" value={code} onChange={(e) => setCode(e.target.value)} required autoComplete="off" spellCheck={false} />
        </div>
      </div>
      <div className="field checkbox">
        <input id="team-insecure" type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
        <label htmlFor="team-insecure">Allow unencrypted HTTP (a trusted network only)</label>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy || !serverUrl.trim() || !code.trim()}>
          {busy ? 'Joining…' : 'Join team'}
        </button>
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function ProjectsToggle({ status, onChange }: { status: TeamStatus; onChange: (s: TeamStatus) => void }) {
  const projects = useResource(() => getClient().api.projects.list({}), [], ['projects:changed']);
  const [error, setError] = useState<string | null>(null);
  // The switch moves at once; the core's answer (or its error) settles it.
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const toggle = async (projectId: string, enabled: boolean): Promise<void> => {
    setError(null);
    setPending((p) => ({ ...p, [projectId]: enabled }));
    const result = await getClient().api.team['set-project']({ projectId, enabled });
    if (result.ok) onChange(result.value);
    else setError(result.error.message);
    setPending(({ [projectId]: _done, ...rest }) => rest);
  };
  const ids = new Set(status.projectIds);
  const on = { has: (id: string) => pending[id] ?? ids.has(id) };
  return (
    <div className="team-projects">
      <h4>Projects pushed to the team</h4>
      <p className="muted small">Only the projects turned on here leave this machine; turning one on sends what it already has, then follows it.</p>
      {projects.error ? <ErrorBanner error={projects.error} onRetry={projects.reload} /> : null}
      {projects.loading && !projects.data ? (
        <LoadingRows label="Loading projects…" rows={2} />
      ) : (projects.data ?? []).length === 0 ? (
        <p className="note">No projects yet. Add one on the Projects page, then turn it on here.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Project</th>
              <th>Folder</th>
              <th className="team-toggle-col">Push</th>
            </tr>
          </thead>
          <tbody>
            {projects.data!.map((p) => (
              <tr key={p.id} data-testid="team-project-row">
                <td>{p.name}</td>
                <td className="mono ellipsis" title={p.path}>
                  {p.path}
                </td>
                <td className="team-toggle-col">
                  <label className="switch">
                    <input type="checkbox" role="switch" aria-label={`Push ${p.name} to the team`} checked={on.has(p.id)} onChange={(e) => void toggle(p.id, e.target.checked)} />
                    <span>{on.has(p.id) ? 'On' : 'Off'}</span>
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ContentLevelChoice({ status, onChange }: { status: TeamStatus; onChange: (s: TeamStatus) => void }) {
  const team = status.team!;
  const forced = team.orgContentLevel === 'metadata';
  const [chosen, setChosen] = useState<ContentLevel | null>(null);
  const current: ContentLevel = forced ? 'metadata' : (chosen ?? team.contentLevel);
  const choose = async (level: ContentLevel): Promise<void> => {
    setChosen(level);
    const result = await getClient().api.team.update({ contentLevel: level });
    if (result.ok) onChange(result.value);
    setChosen(null);
  };
  return (
    <fieldset className="team-level">
      <legend>What is pushed</legend>
      <label className="radio">
        <input type="radio" name="team-level" value="everything" checked={current === 'everything'} disabled={forced} onChange={() => void choose('everything')} />
        <span>
          <strong>Everything</strong>
          <span className="muted small"> — messages, tool input and output, alongside the metadata</span>
        </span>
      </label>
      <label className="radio">
        <input type="radio" name="team-level" value="metadata" checked={current === 'metadata'} disabled={forced} onChange={() => void choose('metadata')} />
        <span>
          <strong>Metadata only</strong>
          <span className="muted small"> — counts, tokens, models, tool names, decisions and durations; no message text, tool input or output, or file contents</span>
        </span>
      </label>
      {forced ? <p className="hint">Your team keeps metadata only.</p> : null}
    </fieldset>
  );
}

function TeamHealth({ status }: { status: TeamStatus }) {
  const team = status.team!;
  return (
    <dl className="facts team-facts">
      <dt>Server</dt>
      <dd className="mono">{team.serverUrl}</dd>
      <dt>This device</dt>
      <dd className="mono">{team.deviceId}</dd>
      <dt>Waiting to push</dt>
      <dd data-testid="team-queue">
        {status.queueDepth === 0 ? 'Nothing' : plural(status.queueDepth, 'row')}
        {status.backfillPending > 0 ? <span className="muted"> (sending earlier rows: {plural(status.backfillPending, 'row')} left)</span> : null}
      </dd>
      <dt>Oldest unpushed</dt>
      <dd>{status.oldestPendingAt === null ? '—' : `written ${ago(status.oldestPendingAt)}`}</dd>
      <dt>Last pushed</dt>
      <dd data-testid="team-last-success">{ago(status.lastSuccessAt)}</dd>
      <dt>Last error</dt>
      <dd className={status.lastError ? 'team-error' : undefined} data-testid="team-last-error">
        {status.lastError ? `${status.lastError}${status.lastErrorAt ? ` (${ago(status.lastErrorAt)})` : ''}` : 'None'}
        {status.nextAttemptAt ? <span className="muted"> — next try {formatTime(status.nextAttemptAt)}</span> : null}
      </dd>
    </dl>
  );
}

/** Settings → Team: join with a server URL and a code, choose projects and the content level, watch the push loop. */
export function TeamSection() {
  const { status: current, error, reload, set: apply } = useTeamStatus();
  const [confirmLeave, setConfirmLeave] = useState(false);
  const act = async (call: () => Promise<Result<TeamStatus>>) => {
    const result = await call();
    if (result.ok) apply(result.value);
  };
  return (
    <section className="card" aria-label="Team">
      <h3>Team</h3>
      {error ? <ErrorBanner error={error} onRetry={reload} /> : null}
      {!current ? (
        <LoadingRows label="Loading team…" rows={2} />
      ) : current.state === 'off' || !current.team ? (
        <JoinForm onJoined={apply} />
      ) : (
        <div className="team-body">
          <div className="row wrap team-head">
            <div className="grow">
              <div className="row">
                <span className="team-org">{current.team.orgName}</span>
                <span data-testid="team-state" className={`badge ${STATE_BADGE[current.state]}`}>
                  {STATE_LABEL[current.state]}
                </span>
              </div>
            </div>
            {current.state !== 'removed' ? (
              <>
                <button type="button" className="button small" onClick={() => void act(() => getClient().api.team['push-now']({}))} disabled={current.state === 'paused'}>
                  Push now
                </button>
                <button type="button" className="button small" onClick={() => void act(() => getClient().api.team.update({ paused: current.state !== 'paused' }))}>
                  {current.state === 'paused' ? 'Resume' : 'Pause'}
                </button>
              </>
            ) : null}
            {confirmLeave ? (
              <span className="confirm">
                Forget this team and what waits to be pushed?
                <button type="button" className="button small danger" onClick={() => void act(() => getClient().api.team.leave({})).then(() => setConfirmLeave(false))}>
                  Leave
                </button>
                <button type="button" className="button small" onClick={() => setConfirmLeave(false)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="button small danger" onClick={() => setConfirmLeave(true)}>
                Leave team
              </button>
            )}
          </div>
          {current.state === 'removed' ? (
            <div className="error-banner" role="alert">
              This device was removed from the team. Nothing more is pushed; leave the team to join again with a new code.
            </div>
          ) : null}
          <TeamHealth status={current} />
          <ContentLevelChoice status={current} onChange={apply} />
          <ProjectsToggle status={current} onChange={apply} />
        </div>
      )}
    </section>
  );
}

/** The sidebar's status line for the team push (hidden until a team is joined). */
export function TeamStatusBar() {
  const { status } = useTeamStatus();
  if (!status || status.state === 'off') return null;
  const text =
    status.state === 'removed'
      ? 'Removed from the team'
      : status.state === 'paused'
        ? 'Team push paused'
        : status.state === 'backoff'
          ? 'Team: retrying'
          : status.queueDepth > 0
            ? `Team: ${status.queueDepth.toLocaleString()} to push`
            : 'Team: up to date';
  const tone = status.state === 'removed' || status.state === 'backoff' ? 'bad' : status.state === 'paused' || status.queueDepth > 0 ? 'busy' : 'ok';
  return (
    <button type="button" className={`team-status-bar team-${tone}`} role="status" aria-label={text} title={status.lastError ?? text} onClick={() => navigate('settings')}>
      <span className="team-dot" aria-hidden="true" />
      {text}
    </button>
  );
}
