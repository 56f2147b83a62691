import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HistoryClient } from '../../src-main/transcripts/history-client';
import { cleanTitle, snippetOf, snippetPattern } from '../../src-main/transcripts/history-queries';
import { historyWorkerFromSource } from '../helpers/history-worker-launch';
import { removeTempDirs } from '../helpers/temp-dir';
import { closeTranscriptDbs, transcriptDb, writeLines, type TranscriptDb } from '../helpers/transcript-db';

// The history read side as the app runs it: HistoryQueries behind the worker API, on a read-only
// connection to a real database the real ingester wrote from Claude Code lines.

const clients: HistoryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  closeTranscriptDbs();
});
afterAll(removeTempDirs);

interface Turn {
  prompt: string;
  answer: string;
  tool?: { name: string; input: Record<string, unknown>; output: string };
  model?: string;
}

let n = 0;
/** Writes and ingests one Claude Code session of `turns` in `cwd`, on `day` (YYYY-MM-DD). */
async function session(t: TranscriptDb, cwd: string, day: string, turns: Turn[]): Promise<string> {
  const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const lines: unknown[] = [];
  turns.forEach((turn, i) => {
    const at = (s: number) => `${day}T10:${String(i).padStart(2, '0')}:${String(s).padStart(2, '0')}.000Z`;
    const base = { sessionId: id, cwd, version: '2.0.0', isSidechain: false, userType: 'external' };
    lines.push({ ...base, type: 'user', uuid: `${id}-u${i}`, timestamp: at(0), message: { role: 'user', content: turn.prompt } });
    const content: unknown[] = [{ type: 'text', text: turn.answer }];
    if (turn.tool) content.push({ type: 'tool_use', id: `toolu_${n}_${i}`, name: turn.tool.name, input: turn.tool.input });
    lines.push({
      ...base,
      type: 'assistant',
      uuid: `${id}-a${i}`,
      timestamp: at(1),
      requestId: `req_${n}_${i}`,
      message: { id: `msg_${n}_${i}`, role: 'assistant', model: turn.model ?? 'claude-sonnet-4-5-20250929', content, usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 500 } },
    });
    if (turn.tool) {
      lines.push({ ...base, type: 'user', uuid: `${id}-r${i}`, timestamp: at(2), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${n}_${i}`, content: turn.tool.output }] } });
    }
  });
  const file = writeLines(t.dir, path.join('projects', cwd.replace(/\//g, '-'), `${id}.jsonl`), lines);
  await t.ingester.ingest(file, 'claude-code');
  return (t.db.sqlite.prepare(`SELECT id FROM sessions WHERE external_id = ?`).get(id) as { id: string }).id;
}

function client(t: TranscriptDb): HistoryClient {
  const c = new HistoryClient(historyWorkerFromSource, { dbFile: path.join(t.dir, 'pitwall.db'), nativeBinding: null });
  clients.push(c);
  return c;
}

describe('the history list over the worker', () => {
  it('pages with a total count, newest first, with counts and cost kept as sessions are written', async () => {
    const t = transcriptDb();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await session(t, '/work/alpha', `2026-03-${String(10 + i).padStart(2, '0')}`, [{ prompt: `task ${i}`, answer: 'done', tool: { name: 'Bash', input: { command: 'ls' }, output: 'a b' } }]));
    const history = client(t);
    const first = await history.list({ limit: 3, offset: 0 });
    expect(first.total).toBe(7);
    expect(first.sessions.map((s) => s.id)).toEqual([ids[6], ids[5], ids[4]]);
    const last = await history.list({ limit: 3, offset: 6 });
    expect(last.sessions.map((s) => s.id)).toEqual([ids[0]]);
    const s = first.sessions[0]!;
    expect(s).toMatchObject({ messageCount: 2, toolCallCount: 1, tokens: { input: 1000, output: 100, cacheRead: 10_000, cacheWrite: 500 } });
    // Sonnet 4.5: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million.
    expect(s.cost).toBeCloseTo((1000 * 3 + 100 * 15 + 10_000 * 0.3 + 500 * 3.75) / 1e6, 9);
  });

  it('finds words in messages, tool inputs, outputs and paths, ranked, with a hit count and one snippet per hit', async () => {
    const t = transcriptDb();
    const once = await session(t, '/work/beta', '2026-03-01', [{ prompt: 'please look at the zephyrine module', answer: 'ok' }]);
    const often = await session(t, '/work/beta', '2026-03-02', [
      { prompt: 'zephyrine zephyrine zephyrine everywhere', answer: 'zephyrine indeed' },
      { prompt: 'again', answer: 'fine', tool: { name: 'Read', input: { file_path: '/work/beta/src/zephyrine.ts' }, output: 'export {}' } },
    ]);
    const other = await session(t, '/work/beta', '2026-03-03', [{ prompt: 'nothing here', answer: 'no', tool: { name: 'Bash', input: { command: 'grep -r quokkapath .' }, output: 'found in lib/wombat.rs' } }]);
    const history = client(t);
    const page = await history.list({ limit: 10, query: 'zephyrine' });
    expect(page.scope).toBe('all');
    expect(page.sessions.map((s) => s.id)).toEqual([often, once]);
    expect(page.hits).toEqual({ count: 4, capped: false });
    expect(page.sessions[0]!.hitCount).toBe(3);
    const snippets = page.sessions[0]!.hits.map((h) => h.snippet);
    expect(new Set(page.sessions[0]!.hits.map((h) => h.messageId)).size).toBe(snippets.length);
    expect(snippets.every((s) => s.includes('\u0001'))).toBe(true);
    // A tool's input (a command), its output (a path it printed).
    expect((await history.list({ limit: 10, query: 'quokkapath' })).sessions.map((s) => s.id)).toEqual([other]);
    expect((await history.list({ limit: 10, query: 'wombat.rs' })).sessions.map((s) => s.id)).toEqual([other]);
    // A phrase, and a prefix of three letters or more.
    expect((await history.list({ limit: 10, query: '"look at the zephyrine"' })).sessions.map((s) => s.id)).toEqual([once]);
    expect((await history.list({ limit: 10, query: 'quok' })).sessions.map((s) => s.id)).toEqual([other]);
  });

  it('answers one letter from titles and folders only, and says so', async () => {
    const t = transcriptDb();
    const tidy = await session(t, '/work/gamma', '2026-03-01', [{ prompt: 'tidy the imports', answer: 'ok' }]);
    await session(t, '/work/gamma', '2026-03-02', [{ prompt: 'rename a variable', answer: 'the thing' }]);
    const page = await client(t).list({ limit: 10, query: 't' });
    expect(page.scope).toBe('titles');
    expect(page.sessions.map((s) => s.id)).toEqual([tidy]);
  });

  it('lets a newer search cancel the one still waiting or running', async () => {
    const t = transcriptDb();
    await session(t, '/work/delta', '2026-03-01', [{ prompt: 'alpha beta gamma', answer: 'delta' }]);
    const history = client(t);
    const results = await Promise.allSettled([history.list({ limit: 10, query: 'alpha' }), history.list({ limit: 10, query: 'alp' }), history.list({ limit: 10, query: 'gamma' })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'cancelled' });
    // Lists without a search never cancel each other.
    const plain = await Promise.all([history.list({ limit: 1 }), history.list({ limit: 1 })]);
    expect(plain.map((p) => p.total)).toEqual([1, 1]);
  });

  it('offers every filter value from all sessions, with folders for sessions of no project, and filters by folder', async () => {
    const t = transcriptDb();
    await session(t, '/work/one', '2026-03-01', [{ prompt: 'a', answer: 'b', model: 'claude-opus-4-6' }]);
    const two = await session(t, '/work/two', '2026-03-02', [{ prompt: 'c', answer: 'd', model: 'claude-haiku-4-5-20251001' }]);
    const history = client(t);
    const facets = await history.facets();
    expect(facets.models.map((m) => m.key).sort()).toEqual(['claude-haiku-4-5-20251001', 'claude-opus-4-6']);
    expect(facets.folders).toEqual([
      { path: '/work/one', count: 1 },
      { path: '/work/two', count: 1 },
    ]);
    expect((await history.list({ limit: 10, folder: '/work/two' })).sessions.map((s) => s.id)).toEqual([two]);
    expect((await history.list({ limit: 10, model: 'claude-opus-4-6' })).total).toBe(1);
  });

  it('reports usage in dollars by day, model and folder, cache apart, with the price table named', async () => {
    const t = transcriptDb();
    await session(t, '/work/one', '2026-03-01', [{ prompt: 'a', answer: 'b', model: 'claude-opus-4-6' }]);
    await session(t, '/work/two', '2026-03-03', [{ prompt: 'c', answer: 'd', model: 'claude-haiku-4-5-20251001' }, { prompt: 'e', answer: 'f', model: 'gizmo-1' }]);
    const report = await client(t).usage({ from: '2026-03-01', to: '2026-03-31' });
    const opus = report.byModel.find((m) => m.key === 'claude-opus-4-6')!;
    expect(opus.cost).toBeCloseTo((1000 * 5 + 100 * 25) / 1e6, 9);
    expect(opus.cacheCost).toBeCloseTo((10_000 * 0.5 + 500 * 6.25) / 1e6, 9);
    expect(report.days.map((d) => d.day)).toEqual(['2026-03-01', '2026-03-03']);
    expect(report.byProject.map((p) => p.key).sort()).toEqual(['folder:/work/one', 'folder:/work/two']);
    expect(report.pricing).toMatchObject({ unpriced: ['gizmo-1'] });
    expect(report.span).toEqual({ first: '2026-03-01', last: '2026-03-03' });
    // A part of the history: per-session sums come from that range's records.
    const part = await client(t).usage({ from: '2026-03-02', to: '2026-03-31' });
    expect(part.byProject.map((p) => p.key)).toEqual(['folder:/work/two']);
    expect(part.bySession).toHaveLength(1);
  });
});

describe('a timeline', () => {
  it('carries a preview per tool call and clips long tool output, the whole of it asked for when opened', async () => {
    const t = transcriptDb();
    const long = 'line of output\n'.repeat(1000);
    const id = await session(t, '/work/eps', '2026-03-01', [{ prompt: 'run it', answer: 'ok', tool: { name: 'Bash', input: { command: 'npm test -- --grep slow\nsecond line' }, output: long } }]);
    const history = client(t);
    const timeline = await history.timeline(id);
    const tool = timeline.entries.find((e) => e.type === 'tool')!;
    expect(tool).toMatchObject({ preview: 'npm test -- --grep slow', clipped: true });
    expect(tool.type === 'tool' && tool.output!.length).toBe(300);
    const detail = await history.tool(id, tool.id);
    // What the store keeps of an output (it may shorten a huge one itself), all of it past the timeline's cut.
    expect(detail.output!.length).toBeGreaterThan(2000);
    expect(long.startsWith(detail.output!.replace(/\s*…?\s*$/, '').slice(0, 5000))).toBe(true);
    await expect(history.tool(id, 'nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('snippets', () => {
  it('are plain text around the first match, every match marked', () => {
    expect(snippetOf('# Title\n\nsome **bold** text about the zephyr here', snippetPattern('"zephyr"'))).toBe('Title some bold text about the \u0001zephyr\u0002 here');
    const long = `${'word '.repeat(400)}needle ${'word '.repeat(400)}`;
    const cut = snippetOf(long, snippetPattern('"need"*'));
    expect(cut.startsWith('…') && cut.endsWith('…') && cut.includes('\u0001needle\u0002')).toBe(true);
    expect(cut.length).toBeLessThan(200);
  });
});

describe('titles', () => {
  it('skip interruption markers and turn command tags into the command', () => {
    expect(cleanTitle('[Request interrupted by user for tool use]')).toBeNull();
    expect(cleanTitle('<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>42</command-args>')).toBe('/review 42');
    expect(cleanTitle('Fix the <b>bug</b>')).toBe('Fix the bug');
  });
});
