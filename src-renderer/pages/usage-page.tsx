import { useState, type FormEvent } from 'react';
import type { Tokens, UsageReport } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { useResource } from '../hooks/use-resource';
import { formatTokens } from './session-timeline';

/** The day of `at` in this browser's zone (the range is picked in days as the person sees them). */
function isoDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The zone usage days are counted in: the system's (`local`, as ccusage) or one the person names. */
function ZoneForm({ shown }: { shown: string | undefined }) {
  const settings = useResource(() => getClient().api.settings.get({}), [], ['settings:changed']);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const value = draft ?? settings.data?.usageTimeZone ?? 'local';
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await getClient().api.settings.update({ usageTimeZone: value.trim() || 'local' });
    setMessage(result.ok ? { ok: true, text: 'Saved; days are being counted again' } : { ok: false, text: result.error.message });
    if (result.ok) setDraft(null);
  };
  return (
    <form className="row wrap zone-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="usage-zone" className="small">
        Days in
      </label>
      <input id="usage-zone" list="usage-zones" value={value} onChange={(e) => setDraft(e.target.value)} style={{ width: 190 }} aria-describedby="usage-zone-now" />
      <datalist id="usage-zones">
        <option value="local" />
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <button type="submit" className="button small" disabled={draft === null}>
        Save
      </button>
      <span id="usage-zone-now" className="small muted">
        {shown ? `counted in ${shown}` : ''}
      </span>
      {message ? (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved small' : 'field-error'}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}

const total = (t: Tokens): number => t.input + t.output + t.cacheRead + t.cacheWrite;

/** Stacked bars of tokens per day: input, cache, output. */
function DailyChart({ days }: { days: UsageReport['days'] }) {
  const max = Math.max(1, ...days.map(total));
  const width = Math.max(days.length * 18, 300);
  return (
    <svg className="usage-chart" viewBox={`0 0 ${width} 160`} preserveAspectRatio="xMinYMid meet" role="img" aria-label="Tokens per day">
      {days.map((d, i) => {
        const h = (n: number) => (n / max) * 140;
        const x = i * 18 + 2;
        const parts: [number, string][] = [
          [d.input, 'var(--accent)'],
          [d.cacheRead + d.cacheWrite, 'color-mix(in srgb, var(--accent) 35%, transparent)'],
          [d.output, 'var(--ok)'],
        ];
        let y = 150;
        return (
          <g key={d.day}>
            <title>{`${d.day}: ${formatTokens(d.input)} in, ${formatTokens(d.cacheRead + d.cacheWrite)} cache, ${formatTokens(d.output)} out`}</title>
            {parts.map(([n, color], j) => {
              y -= h(n);
              return <rect key={j} x={x} y={y} width={14} height={h(n)} fill={color} />;
            })}
          </g>
        );
      })}
      <line x1="0" y1="150" x2={width} y2="150" stroke="var(--border)" />
      <text className="usage-axis" x="2" y="12">{formatTokens(max)} tokens</text>
    </svg>
  );
}

function Table({ title, rows }: { title: string; rows: (Tokens & { key: string; name?: string; responses: number })[] }) {
  return (
    <table className="table">
      <caption className="small muted">{title}</caption>
      <thead>
        <tr>
          <th>{title.replace(/^By (.)/, (_, c: string) => c.toUpperCase())}</th>
          <th>Responses</th>
          <th>Input</th>
          <th>Cache read</th>
          <th>Cache write</th>
          <th>Output</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="ellipsis">{r.name ?? r.key}</td>
            <td>{r.responses}</td>
            <td>{formatTokens(r.input)}</td>
            <td>{formatTokens(r.cacheRead)}</td>
            <td>{formatTokens(r.cacheWrite)}</td>
            <td>{formatTokens(r.output)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Token usage per day, agent, model and project over a chosen range. */
export function UsagePage() {
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * 86_400_000));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  // A new zone is counted by the scan that follows it: read again when that scan is done.
  const report = useResource(() => getClient().api.history.usage({ from, to }), [from, to], ['transcripts:changed', 'settings:changed', 'transcripts:progress'], (p) => (p as { done?: boolean }).done !== false);
  const days = report.data?.days ?? [];
  return (
    <div className="page">
      <PageHeader title="Usage">
        <div className="row">
          <label className="small">From <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} /></label>
          <label className="small">To <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} /></label>
        </div>
      </PageHeader>
      <ZoneForm shown={report.data?.timeZone} />
      {report.error ? <ErrorBanner error={report.error} onRetry={report.reload} /> : null}
      {report.loading && !report.data ? <LoadingRows label="Adding up tokens…" /> : null}
      {report.data && days.length === 0 ? <EmptyState title="No usage in this range">Token counts come from the sessions' transcripts; pick a wider range.</EmptyState> : null}
      {days.length > 0 && report.data ? (
        <>
          <section className="card">
            <p className="small muted">
              {formatTokens(days.reduce((n, d) => n + d.input, 0))} input · {formatTokens(days.reduce((n, d) => n + d.cacheRead + d.cacheWrite, 0))} cache ·{' '}
              {formatTokens(days.reduce((n, d) => n + d.output, 0))} output over {days.length} days with activity
            </p>
            <DailyChart days={days} />
          </section>
          <Table title="By agent" rows={report.data.byAgent} />
          <Table title="By model" rows={report.data.byModel} />
          <Table title="By project" rows={report.data.byProject} />
          <Table title="By day" rows={days.map((d) => ({ ...d, key: d.day }))} />
        </>
      ) : null}
    </div>
  );
}
