import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../src-common/domain/notification';
import type { AppSettings } from '../../src-common/domain/settings';
import type { UpdateStatus } from '../../src-common/domain/update';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows } from '../components/common';
import { useEditors } from '../components/open-in';
import { formatTime } from '../format';
import { useResource } from '../hooks/use-resource';

const KIND_LABELS: Record<NotificationKind, string> = {
  approval: 'A tool call waits for approval',
  input: 'An agent waits for your input',
  finished: 'An agent finished or failed',
  review: 'A task is ready for review',
};

function useSettings() {
  return useResource(() => getClient().api.settings.get({}), [], ['settings:changed']);
}

/**
 * The settings with a save that shows at once: a switch moves when clicked and keeps the saved
 * value until the settings are read again after the save (a read that was already under way
 * cannot move it back); an error puts it back.
 */
function useSettingsDraft() {
  const settings = useSettings();
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<AppSettings | null>(null);
  /** The settings as read when the last save finished; the next read after it takes over. */
  const readAtSave = useRef<AppSettings | null | undefined>(undefined);
  useEffect(() => {
    if (readAtSave.current !== undefined && settings.data !== readAtSave.current) {
      readAtSave.current = undefined;
      setDraft(null);
    }
  }, [settings.data]);
  const current = draft ?? settings.data;
  const save = async (changes: Partial<AppSettings>): Promise<boolean> => {
    if (current) setDraft({ ...current, ...changes });
    readAtSave.current = undefined;
    const result = await getClient().api.settings.update(changes);
    setError(result.ok ? null : result.error.message);
    setDraft(result.ok ? result.value : null);
    readAtSave.current = result.ok ? settings.data : undefined;
    return result.ok;
  };
  return { settings, current, save, error };
}

function BrowserPermission() {
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'unsupported'));
  if (permission === 'unsupported') return <p className="hint">This browser cannot show notifications.</p>;
  if (permission === 'granted') return <p className="hint">This browser shows them while the Pitwall tab is open.</p>;
  if (permission === 'denied') return <p className="hint">Notifications are blocked for this page in the browser’s site settings.</p>;
  return (
    <p className="hint row wrap">
      This browser shows them once you allow it.
      <button type="button" className="button small" onClick={() => void Notification.requestPermission().then(setPermission)}>
        Allow browser notifications
      </button>
    </p>
  );
}

/** Per-kind notification switches and, in the desktop app, close-to-tray. */
export function NotificationsSection({ shell }: { shell: 'electron' | 'headless' | null }) {
  const { settings, current: s, save, error } = useSettingsDraft();
  return (
    <section className="card" aria-label="Notifications">
      <h3>Notifications</h3>
      {!s ? (
        settings.error ? <ErrorBanner error={settings.error} onRetry={settings.reload} /> : <LoadingRows label="Loading…" rows={1} />
      ) : (
        <>
          <fieldset className="checks">
            <legend className="small muted">Notify me when</legend>
            {NOTIFICATION_KINDS.map((kind) => (
              <div key={kind} className="field checkbox">
                <input id={`notify-${kind}`} type="checkbox" checked={s.notifications[kind]} onChange={(e) => void save({ notifications: { ...s.notifications, [kind]: e.target.checked } })} />
                <label htmlFor={`notify-${kind}`}>{KIND_LABELS[kind]}</label>
              </div>
            ))}
          </fieldset>
          <p className="hint">Nothing is shown while Pitwall has focus and already shows the item.{shell === 'electron' ? ' On macOS, approval notifications have Allow and Deny buttons.' : ''}</p>
          {shell === 'headless' ? <BrowserPermission /> : null}
          {shell === 'electron' ? (
            <div className="field checkbox tray-setting">
              <input id="close-to-tray" type="checkbox" checked={s.desktop.closeToTray} onChange={(e) => void save({ desktop: { ...s.desktop, closeToTray: e.target.checked } })} />
              <label htmlFor="close-to-tray">Keep Pitwall running in the tray when its window is closed, so approvals keep reaching you</label>
            </div>
          ) : null}
          {error ? <p className="field-error" role="alert">{error}</p> : null}
        </>
      )}
    </section>
  );
}

/** The editors "Open in" found, and the default one. */
export function EditorSection() {
  const editors = useEditors();
  const [error, setError] = useState<string | null>(null);
  const refresh = async (): Promise<void> => {
    const result = await getClient().api.ide.list({ refresh: true });
    if (result.ok) editors.reload();
    else setError(result.error.message);
  };
  const info = editors.data;
  return (
    <section className="card" aria-label="Editor">
      <h3>Editor</h3>
      {!info ? (
        editors.error ? <ErrorBanner error={editors.error} onRetry={editors.reload} /> : <LoadingRows label="Looking for editors…" rows={1} />
      ) : (
        <>
          <div className="row wrap">
            <label htmlFor="preferred-editor">Open files in</label>
            <select
              id="preferred-editor"
              value={info.preferred ?? ''}
              disabled={info.editors.length === 0}
              onChange={(e) => void getClient().api.settings.update({ preferredEditor: e.target.value }).then((r) => setError(r.ok ? null : r.error.message))}
            >
              {info.editors.length === 0 ? <option value="">No editor found</option> : null}
              {info.editors.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
            <button type="button" className="button small" onClick={() => void refresh()}>
              Look again
            </button>
          </div>
          <p className="hint">
            Found through your login shell’s PATH and the usual install folders: {info.editors.length > 0 ? info.editors.map((e) => e.name).join(', ') : 'none'}.{' '}
            {info.terminal ? `Terminals open in ${info.terminal.name === 'Default terminal' ? 'the default terminal' : info.terminal.name}.` : 'No terminal was found (set $TERMINAL to the one you use).'}
          </p>
          {error ? <p className="field-error" role="alert">{error}</p> : null}
        </>
      )}
    </section>
  );
}

const PHASE_TEXT: Record<UpdateStatus['phase'], string> = {
  unsupported: 'Not available here',
  disabled: 'Off',
  'no-feed': 'No feed',
  idle: 'Waiting for the first check',
  checking: 'Checking…',
  'up-to-date': 'Up to date',
  available: 'Update found',
  downloading: 'Downloading…',
  ready: 'Ready to install',
  error: 'Check failed',
};

function RestartPanel({ status }: { status: UpdateStatus }) {
  const [question, setQuestion] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const install = async (agents?: 'keep' | 'stop'): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await getClient().api.updates.install(agents ? { agents } : {});
    setBusy(false);
    if (result.ok) return;
    if (result.error.code === 'agents_running' && !agents) setQuestion(result.error.message);
    else setError(result.error.message);
  };
  return (
    <div className="update-ready">
      <h4>What’s new in {status.version}</h4>
      <pre className="release-notes">{status.releaseNotes ?? 'This release came without notes.'}</pre>
      {question ? (
        <div className="warning" role="alertdialog" aria-label="Agents are running">
          <p>{question}</p>
          <div className="row wrap">
            {status.canKeepAgents ? (
              <button type="button" className="button primary" disabled={busy} onClick={() => void install('keep')}>
                Keep them running and restart
              </button>
            ) : null}
            <button type="button" className="button danger" disabled={busy} onClick={() => void install('stop')}>
              Stop them and restart
            </button>
            <button type="button" className="button" onClick={() => setQuestion(null)}>
              Later
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button primary" disabled={busy} onClick={() => void install()}>
          Restart to update
        </button>
      )}
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </div>
  );
}

/** Opt-in updates of the desktop app: the feed, the state, the notes, and the restart. */
export function UpdatesSection() {
  const { current: s, save, error } = useSettingsDraft();
  const status = useResource(() => getClient().api.updates.status({}), [], ['updates:changed', 'settings:changed']);
  const [feed, setFeed] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const u = status.data;
  const shownFeed = feed ?? s?.updates.feedUrl ?? '';
  const saveFeed = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!s) return;
    const saved = await save({ updates: { ...s.updates, feedUrl: shownFeed.trim() ? shownFeed.trim() : null } });
    setMessage(saved ? { ok: true, text: 'Saved' } : null);
    if (saved) setFeed(null);
  };
  const check = async (): Promise<void> => {
    const result = await getClient().api.updates.check({});
    setMessage(result.ok ? null : { ok: false, text: result.error.message });
  };
  return (
    <section className="card" aria-label="Updates">
      <h3>Updates</h3>
      {!s || !u ? (
        <LoadingRows label="Loading…" rows={1} />
      ) : u.phase === 'unsupported' ? (
        <p className="muted">{u.detail} You run version {u.currentVersion}.</p>
      ) : (
        <>
          <div className="field checkbox">
            <input id="updates-enabled" type="checkbox" checked={s.updates.enabled} onChange={(e) => void save({ updates: { ...s.updates, enabled: e.target.checked } })} />
            <label htmlFor="updates-enabled">Check for new versions and download them in the background (Pitwall never restarts by itself)</label>
          </div>
          <form className="row wrap" onSubmit={(e) => void saveFeed(e)}>
            <label htmlFor="update-feed">Feed</label>
            <input id="update-feed" className="grow mono" value={shownFeed} placeholder="https://releases.example.com/pitwall/ (empty: the one built in)" onChange={(e) => setFeed(e.target.value)} />
            <button type="submit" className="button small">
              Save
            </button>
          </form>
          <div className="row wrap update-state">
            <span className="small muted">Version {u.currentVersion}</span>
            <span className={`badge as-written badge-${u.phase === 'ready' || u.phase === 'up-to-date' ? 'active' : u.phase === 'error' ? 'error' : u.phase === 'disabled' || u.phase === 'no-feed' ? 'off' : 'pending'}`} data-testid="update-phase">
              {PHASE_TEXT[u.phase]}
            </span>
            {u.phase === 'downloading' && u.progress !== null ? <span className="small">{u.progress}%</span> : null}
            {u.checkedAt ? <span className="small muted">last checked {formatTime(u.checkedAt)}</span> : null}
            <span className="spacer" />
            <button type="button" className="button small" disabled={!s.updates.enabled || u.phase === 'no-feed' || u.phase === 'checking' || u.phase === 'downloading'} onClick={() => void check()}>
              Check now
            </button>
          </div>
          {u.detail ? <p className={u.phase === 'error' ? 'field-error' : 'hint'}>{u.detail}</p> : null}
          {u.phase === 'ready' ? <RestartPanel status={u} /> : null}
          {message ? (
            <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved' : 'field-error'}>
              {message.text}
            </p>
          ) : null}
          {error ? <p className="field-error" role="alert">{error}</p> : null}
        </>
      )}
    </section>
  );
}
