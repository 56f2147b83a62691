import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import type { Tokens, UsageReport } from '../../src-common/domain/transcript';
import { getClient } from '../api/client';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { navigate } from '../hooks/use-route';
import { useResource } from '../hooks/use-resource';
import { formatCompact, formatInteger, formatUsd } from '../number-format';

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
        {shown ? (value.trim() === 'local' ? `this computer's time zone: ${shown}` : `days counted in ${shown}`) : ''}
      </span>
      {message ? (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved small' : 'field-error'}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}

type Row = Tokens & { key: string; name?: string; responses: number; cost?: number | undefined; cacheCost?: number | undefined };
type Measure = 'tokens' | 'cost';
type Preset = '7' | '30' | '90' | 'all' | 'custom';

const DAY = 86_400_000;

/** Every day from `from` to `to` (YYYY-MM-DD), both included. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 20_000; t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Round steps for an axis: 1, 2 or 5 times a power of ten, about four of them up to `max`. */
function niceTicks(max: number): number[] {
  if (max <= 0) return [0];
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(v);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

const monthDay = (day: string, year: boolean) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', ...(year ? { year: 'numeric' } : {}), timeZone: 'UTC' });

interface Series {
  label: string;
  color: string;
  value: (d: UsageReport['days'][number]) => number;
}

/** Bars per day over a real date axis (days without usage at zero), with a legend and ticks on both axes. */
function DailyChart({ days, from, to, measure, cache }: { days: UsageReport['days']; from: string; to: string; measure: Measure; cache: boolean }) {
  const [width, setWidth] = useState(900);
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(320, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const series: Series[] =
    measure === 'tokens'
      ? [
          { label: 'Input', color: 'var(--accent)', value: (d) => d.input },
          { label: 'Output', color: 'var(--ok)', value: (d) => d.output },
          { label: 'Cache write', color: 'color-mix(in srgb, var(--warn) 70%, transparent)', value: (d) => d.cacheWrite },
          ...(cache ? [{ label: 'Cache read', color: 'color-mix(in srgb, var(--accent) 30%, transparent)', value: (d: UsageReport['days'][number]) => d.cacheRead }] : []),
        ]
      : [
          { label: 'Input and output', color: 'var(--accent)', value: (d) => d.cost ?? 0 },
          ...(cache ? [{ label: 'Cache reads and writes', color: 'color-mix(in srgb, var(--accent) 35%, transparent)', value: (d: UsageReport['days'][number]) => d.cacheCost ?? 0 }] : []),
        ];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const all = daysBetween(from, to);
  const totals = all.map((day) => {
    const d = byDay.get(day);
    return d ? series.reduce((n, s) => n + s.value(d), 0) : 0;
  });
  const ticks = niceTicks(Math.max(...totals, 0));
  const top = ticks[ticks.length - 1]! || 1;
  const left = 64;
  const right = 12;
  const height = 240;
  const plotTop = 10;
  const plotBottom = height - 28;
  const plotW = width - left - right;
  const slot = plotW / Math.max(1, all.length);
  const barW = Math.max(1, Math.min(24, slot * 0.75));
  const y = (v: number) => plotBottom - (v / top) * (plotBottom - plotTop);
  const fmt = (v: number) => (measure === 'cost' ? (v >= 1000 ? `$${formatCompact(v)}` : formatUsd(v).replace(/\.00$/, '')) : formatCompact(v));
  // About one date label per 90 px; the year on the first and where it changes.
  const every = Math.max(1, Math.ceil(90 / slot));
  return (
    <div className="usage-chart-box" ref={box}>
      <ul className="legend row wrap small" aria-label="Legend">
        {series.map((s) => (
          <li key={s.label}>
            <span className="swatch" style={{ background: s.color }} /> {s.label}
          </li>
        ))}
      </ul>
      <svg className="usage-chart" width={width} height={height} role="img" aria-label={measure === 'cost' ? 'Cost per day' : 'Tokens per day'}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} stroke="var(--border)" strokeDasharray={t === 0 ? undefined : '2 3'} />
            <text className="usage-axis" x={left - 6} y={y(t) + 4} textAnchor="end">
              {fmt(t)}
            </text>
          </g>
        ))}
        {all.map((day, i) => {
          const d = byDay.get(day);
          const x = left + i * slot + (slot - barW) / 2;
          let base = plotBottom;
          return (
            <g key={day} data-day={day}>
              <title>{d ? `${day}: ${series.map((s) => `${s.label} ${fmt(s.value(d))}`).join(', ')}` : `${day}: none`}</title>
              <rect x={left + i * slot} y={plotTop} width={slot} height={plotBottom - plotTop} fill="transparent" />
              {d
                ? series.map((s) => {
                    const h = (s.value(d) / top) * (plotBottom - plotTop);
                    base -= h;
                    return h > 0 ? <rect key={s.label} className="bar" x={x} y={base} width={barW} height={h} fill={s.color} /> : null;
                  })
                : null}
              {i % every === 0 ? (
                <>
                  <line x1={x + barW / 2} x2={x + barW / 2} y1={plotBottom} y2={plotBottom + 4} stroke="var(--muted)" />
                  <text className="usage-axis" x={x + barW / 2} y={plotBottom + 17} textAnchor="middle">
                    {monthDay(day, i === 0 || day.slice(0, 4) !== all[i - every]?.slice(0, 4))}
                  </text>
                </>
              ) : null}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function sum(rows: Row[]): Row {
  return rows.reduce<Row>(
    (t, r) => ({ key: 'total', responses: t.responses + r.responses, input: t.input + r.input, output: t.output + r.output, cacheRead: t.cacheRead + r.cacheRead, cacheWrite: t.cacheWrite + r.cacheWrite, cost: (t.cost ?? 0) + (r.cost ?? 0), cacheCost: (t.cacheCost ?? 0) + (r.cacheCost ?? 0) }),
    { key: 'total', responses: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0, cacheCost: 0 },
  );
}

function Cells({ r }: { r: Row }) {
  const n = (v: number) => <td className="num" title={formatInteger(v)}>{formatCompact(v)}</td>;
  return (
    <>
      <td className="num">{formatInteger(r.responses)}</td>
      {n(r.input)}
      {n(r.output)}
      {n(r.cacheWrite)}
      {n(r.cacheRead)}
      <td className="num">{formatUsd(r.cost)}</td>
      <td className="num">{formatUsd(r.cacheCost)}</td>
      <td className="num strong">{formatUsd((r.cost ?? 0) + (r.cacheCost ?? 0))}</td>
    </>
  );
}

function Table({ title, head, rows, onOpen, totals = true }: { title: string; head: string; rows: Row[]; onOpen?: (key: string) => void; totals?: boolean }) {
  return (
    <table className="table usage-table">
      <caption className="small muted">{title}</caption>
      <thead>
        <tr>
          <th>{head}</th>
          <th className="num">Responses</th>
          <th className="num">Input</th>
          <th className="num">Output</th>
          <th className="num">Cache write</th>
          <th className="num">Cache read</th>
          <th className="num">Cost</th>
          <th className="num">Cache cost</th>
          <th className="num">Total</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="ellipsis" title={r.key.startsWith('folder:') ? r.key.slice(7) : undefined}>
              {onOpen ? (
                <a href={`#/history/${encodeURIComponent(r.key)}`} onClick={(e) => { e.preventDefault(); onOpen(r.key); }}>
                  {r.name ?? r.key}
                </a>
              ) : (
                (r.name ?? r.key)
              )}
            </td>
            <Cells r={r} />
          </tr>
        ))}
      </tbody>
      {totals && rows.length > 1 ? (
        <tfoot>
          <tr>
            <td>Total</td>
            <Cells r={sum(rows)} />
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}

/** The person's own prices per model, over the shipped table. */
function PriceForm({ pricing }: { pricing: UsageReport['pricing'] }) {
  const settings = useResource(() => getClient().api.settings.get({}), [], ['settings:changed']);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const current = JSON.stringify(settings.data?.modelPrices ?? {}, null, 2);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft ?? current);
    } catch {
      setMessage({ ok: false, text: 'That is not JSON' });
      return;
    }
    const result = await getClient().api.settings.update({ modelPrices: parsed as Record<string, { input: number; output: number; cacheRead: number; cacheWrite: number }> });
    setMessage(result.ok ? { ok: true, text: 'Saved' } : { ok: false, text: result.error.message });
    if (result.ok) setDraft(null);
  };
  return (
    <details className="card price-form">
      <summary className="small">
        Prices: {pricing?.source ?? 'the shipped table'}, {pricing?.date ?? ''}
        {pricing?.unpriced.length ? <span className="field-error"> · no price for {pricing.unpriced.join(', ')}</span> : null}
      </summary>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label className="small" htmlFor="model-prices">
          Your prices in dollars per million tokens, by model name (a name ending in * covers every model it starts), over the shipped ones. For example{' '}
          <code>{'{"my-model*": {"input": 1, "output": 4, "cacheRead": 0.1, "cacheWrite": 1.25}}'}</code>
        </label>
        <textarea id="model-prices" rows={5} className="mono" value={draft ?? current} onChange={(e) => setDraft(e.target.value)} />
        <div className="row">
          <button type="submit" className="button small" disabled={draft === null}>
            Save prices
          </button>
          {message ? <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved small' : 'field-error'}>{message.text}</span> : null}
        </div>
      </form>
    </details>
  );
}

const PRESETS: [Preset, string][] = [
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['all', 'All time'],
  ['custom', 'Custom'],
];

/** Tokens and dollars per day, agent, model, project or folder, and session, over a chosen range. */
export function UsagePage() {
  // Read once when the page opens, so a render never moves the range under the person reading it.
  const [openedAt] = useState(() => Date.now());
  const today = isoDay(openedAt);
  const [preset, setPreset] = useState<Preset>('30');
  const [customFrom, setCustomFrom] = useState(() => isoDay(openedAt - 29 * DAY));
  const [customTo, setCustomTo] = useState(today);
  const [measure, setMeasure] = useState<Measure>('cost');
  const [cache, setCache] = useState(false);
  const range =
    preset === 'all' ? { from: '2000-01-01', to: '2999-12-31' } : preset === 'custom' ? { from: customFrom, to: customTo } : { from: isoDay(openedAt - (Number(preset) - 1) * DAY), to: today };
  // A new zone is counted by the scan that follows it: read again when that scan is done.
  const report = useResource(() => getClient().api.history.usage(range), [range.from, range.to], ['transcripts:changed', 'settings:changed', 'transcripts:progress'], (p) => (p as { done?: boolean }).done !== false);
  const data = report.data;
  const days = data?.days ?? [];
  const span = data?.span ?? null;
  const axis = preset === 'all' ? (span ? { from: span.first, to: span.last } : null) : range;
  const all = sum(days.map((d) => ({ ...d, key: d.day })));
  return (
    <div className="page">
      <PageHeader title="Usage">
        <div className="row wrap usage-controls">
          <div className="segmented" role="group" aria-label="Range">
            {PRESETS.map(([p, label]) => (
              <button key={p} type="button" aria-pressed={preset === p} onClick={() => setPreset(p)}>
                {label}
              </button>
            ))}
          </div>
          {preset === 'custom' ? (
            <span className="date-range">
              <label className="small">From <input type="date" value={customFrom} max={customTo} onChange={(e) => e.target.value && setCustomFrom(e.target.value)} /></label>
              <label className="small">To <input type="date" value={customTo} min={customFrom} onChange={(e) => e.target.value && setCustomTo(e.target.value)} /></label>
            </span>
          ) : null}
        </div>
      </PageHeader>
      <ZoneForm shown={data?.timeZone} />
      {report.error ? <ErrorBanner error={report.error} onRetry={report.reload} /> : null}
      {report.loading && !data ? <LoadingRows label="Adding up tokens…" /> : null}
      {data && days.length === 0 ? (
        <EmptyState title="No usage in this range">
          {span ? (
            <>
              The history runs from {monthDay(span.first, true)} to {monthDay(span.last, true)}.{' '}
              <button type="button" className="button small" onClick={() => setPreset('all')}>
                Show all time
              </button>
            </>
          ) : (
            'Token counts come from the sessions\' transcripts.'
          )}
        </EmptyState>
      ) : null}
      {days.length > 0 && data && axis ? (
        <>
          <section className="usage-totals row wrap" aria-label="Totals">
            <div className="stat">
              <span className="small muted">Cost</span>
              <strong data-testid="total-cost">{formatUsd((all.cost ?? 0) + (all.cacheCost ?? 0))}</strong>
              <span className="small muted">{formatUsd(all.cost)} input and output · {formatUsd(all.cacheCost)} cache</span>
            </div>
            <div className="stat">
              <span className="small muted">Tokens</span>
              <strong title={formatInteger(all.input + all.output + all.cacheRead + all.cacheWrite)}>{formatCompact(all.input + all.output + all.cacheRead + all.cacheWrite)}</strong>
              <span className="small muted">
                {formatCompact(all.input)} in · {formatCompact(all.output)} out · {formatCompact(all.cacheWrite)} cache write · {formatCompact(all.cacheRead)} cache read
              </span>
            </div>
            <div className="stat">
              <span className="small muted">Responses</span>
              <strong>{formatInteger(all.responses)}</strong>
              <span className="small muted">{days.length} days with activity</span>
            </div>
          </section>
          <section className="card">
            <div className="row wrap chart-controls">
              <div className="segmented" role="group" aria-label="Measure">
                <button type="button" aria-pressed={measure === 'cost'} onClick={() => setMeasure('cost')}>Cost</button>
                <button type="button" aria-pressed={measure === 'tokens'} onClick={() => setMeasure('tokens')}>Tokens</button>
              </div>
              <label className="small row">
                <input type="checkbox" checked={cache} onChange={(e) => setCache(e.target.checked)} /> {measure === 'cost' ? 'Include cache cost' : 'Include cache reads'}
              </label>
            </div>
            <DailyChart days={days} from={axis.from} to={axis.to} measure={measure} cache={cache} />
          </section>
          <PriceForm pricing={data.pricing} />
          <Table title="By agent" head="Agent" rows={data.byAgent} />
          <Table title="By model" head="Model" rows={data.byModel} />
          <Table title="By project or folder" head="Project or folder" rows={data.byProject} />
          {data.bySession?.length ? <Table title="Costliest sessions" head="Session" rows={data.bySession} totals={false} onOpen={(id) => navigate('history', id)} /> : null}
          <Table title="By day" head="Day" rows={[...days].reverse().map((d) => ({ ...d, key: d.day }))} />
        </>
      ) : null}
    </div>
  );
}
