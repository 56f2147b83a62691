import { useState } from 'react';
import { TRANSCRIPT_SOURCES, type TranscriptSource } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { ErrorBanner, LoadingRows, StatusBadge } from '../components/common';
import { formatTime } from '../format';
import { useResource } from '../hooks/use-resource';

const LABELS: Record<TranscriptSource, string> = { 'claude-code': 'Claude Code', codex: 'Codex', 'vscode-copilot': 'VS Code family', gemini: 'Gemini CLI' };

/** The transcript folders Pitwall watches: on, off, added by hand. */
export function TranscriptRootsSection() {
  const api = getClient().api.transcripts;
  const roots = useResource(() => api.roots({}), [], ['settings:changed']);
  const [source, setSource] = useState<TranscriptSource>('claude-code');
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = async (req: Parameters<typeof api['update-root']>[0]): Promise<boolean> => {
    setError(null);
    const r = await api['update-root'](req);
    if (!r.ok) setError(r.error.message);
    else roots.reload();
    return r.ok;
  };
  return (
    <section className="card" aria-label="Transcript folders">
      <h3>Transcript folders</h3>
      <p className="small muted">Pitwall reads the chat sessions these agents write here. Folders that do not exist yet are picked up when they appear.</p>
      {roots.error ? <ErrorBanner error={roots.error} onRetry={roots.reload} /> : null}
      {!roots.data ? <LoadingRows label="Loading…" rows={2} /> : null}
      {roots.data ? (
        <table className="table">
          <thead>
            <tr><th>Agent</th><th>Folder</th><th>State</th><th><span className="visually-hidden">Watch</span></th></tr>
          </thead>
          <tbody>
            {roots.data.map((r) => (
              <tr key={r.path}>
                <td>{LABELS[r.source]}</td>
                <td className="mono ellipsis" title={r.path}>{r.path}</td>
                <td>{r.exists ? <StatusBadge status={r.enabled ? 'active' : 'off'} /> : <span className="small muted">not there</span>}</td>
                <td>
                  {/* A flex box inside the cell: display:flex on the cell itself takes it out of the table and its borders out of line. */}
                  <div className="row">
                    <label className="small">
                      <input type="checkbox" checked={r.enabled} onChange={(e) => void change({ source: r.source, path: r.path, enabled: e.target.checked })} /> watch
                    </label>
                    {!r.builtIn ? (
                      <button type="button" className="link" onClick={() => void change({ source: r.source, path: r.path, remove: true })}>remove</button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="row wrap" onSubmit={(e) => { e.preventDefault(); void change({ source, path: folder.trim() }).then((ok) => ok && setFolder('')); }}>
        <select aria-label="Agent of the folder" value={source} onChange={(e) => setSource(e.target.value as TranscriptSource)}>
          {TRANSCRIPT_SOURCES.map((s) => <option key={s} value={s}>{LABELS[s]}</option>)}
        </select>
        <input className="grow" aria-label="Folder to watch" placeholder="/path/to/.claude/projects" value={folder} onChange={(e) => setFolder(e.target.value)} />
        <button type="submit" className="button" disabled={!folder.trim()}>Add folder</button>
      </form>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </section>
  );
}

/** Files that could not be read (whole or in part), with where and why. */
export function TranscriptProblemsSection() {
  const problems = useResource(() => getClient().api.transcripts.problems({}), [], ['transcripts:changed', 'transcripts:progress']);
  return (
    <section className="card" aria-label="Transcript diagnostics">
      <h3>Transcript diagnostics</h3>
      {problems.error ? <ErrorBanner error={problems.error} onRetry={problems.reload} /> : null}
      {problems.data && problems.data.length === 0 ? <p className="small muted">Every transcript file was read without a problem.</p> : null}
      <ul className="problems">
        {(problems.data ?? []).map((f) => (
          <li key={f.path}>
            <div className="row small">
              <span className="mono ellipsis grow" title={f.path}>{f.path}</span>
              <StatusBadge status={f.status} />
              <span className="muted">{f.problemCount} problem{f.problemCount === 1 ? '' : 's'} · {formatTime(f.updatedAt)}</span>
            </div>
            <ul className="small muted">
              {f.problems.slice(-5).map((p, i) => <li key={i}>at byte {p.offset}: {p.reason}</li>)}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
