import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { HistoryFacets, SessionPage, Timeline, UsageReport } from '../../src-common/domain/transcript';
import type { Result } from '../../src-common/result';
import { costOf } from '../../src-common/pricing/price-table';
import { createApp, type App } from '../../src-main/app';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/http-server';
import { makeRepo } from '../helpers/git-repo';
import { historyWorkerFromSource } from '../helpers/history-worker-launch';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { scanLaunchFromSource } from '../helpers/scan-launch';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { gatewayAlone } from './approval-roundtrip';
import { median, percentile, row } from './bench-utils';
import { ensureTranscriptCorpus } from './transcript-corpus';

// History and Usage read back from a large generated Claude Code history (1 GB by default;
// PITWALL_BENCH_HISTORY_MB for less) plus one session holding a unique word, over HTTP RPC as the
// UI asks: list pages, searches, filters, the longest timeline, usage; then the approval round
// trip (an allow rule) while the heaviest search runs, next to the same round trip idle. Targets:
// every request under 100 ms; approval during a search within 2x idle. Cost totals are checked
// against `ccusage daily --json --offline` on the same files (within 1 %).

const MEGABYTES = Number(process.env.PITWALL_BENCH_HISTORY_MB ?? 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const APPROVALS = Number(process.env.PITWALL_BENCH_APPROVALS ?? 60);
/** The ccusage compared with: 20.x reads Claude Code under `ccusage claude`, as the ingest bench runs it. */
const CCUSAGE = process.env.PITWALL_BENCH_CCUSAGE_JS ?? '20.0.24';
const UNIQUE = 'xylofoncrumbleq';
const TARGET_MS = 100;
const REPO = path.resolve(__dirname, '../..');

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 60 * 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One session with a word found nowhere else, in a folder of its own. */
function writeUniqueSession(dir: string): void {
  const id = '7e57e57e-0000-4000-8000-000000000001';
  const cwd = '/bench/unique';
  const base = { sessionId: id, cwd, version: '2.0.0', isSidechain: false, userType: 'external' };
  const lines = [
    { ...base, type: 'user', uuid: `${id}-u`, timestamp: '2026-02-10T10:00:00.000Z', message: { role: 'user', content: `Where did the ${UNIQUE} go?` } },
    {
      ...base,
      type: 'assistant',
      uuid: `${id}-a`,
      parentUuid: `${id}-u`,
      timestamp: '2026-02-10T10:00:05.000Z',
      requestId: 'req_unique',
      message: { id: 'msg_unique', role: 'assistant', model: 'claude-haiku-4-5-20251001', content: [{ type: 'text', text: 'It is in the drawer.' }], usage: { input_tokens: 10, output_tokens: 5 } },
    },
  ];
  const folder = path.join(dir, 'projects', '-bench-unique');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, `${id}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO, env, maxBuffer: 1 << 28, timeout: 30 * 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${stderr}\n${error.message}`.trim().slice(0, 400))) : resolve(stdout)));
  });
}

/** The most frequent word of the messages, a phrase from a long message, from the bench's own read-only look at the database. */
function corpusWords(dbFile: string): { common: string; phrase: string; longest: string } {
  const db = new Database(dbFile);
  try {
    db.exec(`CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'messages_fts', 'row')`);
    const common = (db.prepare(`SELECT term FROM temp.vocab ORDER BY doc DESC LIMIT 1`).get() as { term: string }).term;
    const text = (db.prepare(`SELECT text FROM messages WHERE role = 'assistant' AND length(text) > 200 ORDER BY seq LIMIT 1 OFFSET 500`).get() as { text: string }).text;
    // Three words in a row, as a person would quote them.
    const phrase = /\b([A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,})\b/.exec(text)?.[1] ?? 'the function';
    const longest = (db.prepare(`SELECT session_id FROM session_counts ORDER BY messages + tool_calls DESC LIMIT 1`).get() as { session_id: string }).session_id;
    return { common, phrase, longest };
  } finally {
    db.close();
  }
}

/** Runs the history benchmark. */
export async function benchHistory(): Promise<void> {
  process.env.TZ = 'UTC';
  const corpus = await ensureTranscriptCorpus({ megabytes: MEGABYTES });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-history-'));
  const extra = path.join(dataDir, 'extra-claude');
  writeUniqueSession(extra);
  const home = path.join(dataDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  let app: App | null = null;
  let server: RunningHttpServer | null = null;
  let session: Session | null = null;
  try {
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      shell: 'headless',
      version: 'bench',
      ptyHostLaunch: ptyHostLaunchFromSource,
      sessionOptions: { baseEnv: { ...process.env, HOME: home }, stopGraceMs: 300 },
      transcriptRoots: [
        { source: 'claude-code', path: corpus.projectsDir },
        { source: 'claude-code', path: path.join(extra, 'projects') },
      ],
      transcriptScanLaunch: scanLaunchFromSource,
      historyWorkerLaunch: historyWorkerFromSource,
    });
    await app.ready;
    value(await app.router.dispatch('settings:update', { usageTimeZone: 'UTC' }));
    const token = 'bench-token-0123456789abcdef';
    const staticDir = path.join(dataDir, 'static');
    fs.mkdirSync(staticDir);
    server = await startHttpServer({ router: app.router, events: app.events, token, port: 0, staticDir });
    const port = server.port;
    const rpc = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const response = await fetch(`http://127.0.0.1:${port}/rpc/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(request) });
      return value<T>((await response.json()) as Result<unknown>);
    };
    const started = performance.now();
    await waitFor(async () => (await rpc<{ done: boolean } | null>('transcripts:progress'))?.done === true, 'the first scan');
    console.log(`\nhistory read back: ${(corpus.bytes / 1024 / 1024).toFixed(0)} MB generated Claude Code history (${corpus.files} files, ${corpus.lines.toLocaleString('en-US')} lines) + one session with a unique word`);
    row('first scan (the app, from source)', `${((performance.now() - started) / 1000).toFixed(1)} s`);
    const words = corpusWords(path.join(dataDir, 'pitwall.db'));
    const facets = await rpc<HistoryFacets>('history:facets');
    row('sessions / models / folders', String(facets.sources.reduce((n, s) => n + s.count, 0)), String(facets.models.length), String(facets.folders.length));

    const over: string[] = [];
    const time = async (label: string, channel: string, request: unknown, note: (v: unknown) => string = () => ''): Promise<void> => {
      const times: number[] = [];
      let last: unknown;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        last = await rpc(channel, request);
        times.push(performance.now() - t);
      }
      const m = median(times);
      if (m >= TARGET_MS) over.push(label);
      row(label, `${m.toFixed(1)} ms`, `p95 ${percentile(times, 95).toFixed(1)} ms`, note(last), m < TARGET_MS ? 'ok' : 'OVER');
    };
    const pageNote = (v: unknown) => {
      const p = v as SessionPage;
      return `${p.sessions.length}/${p.total}${p.hits ? ` ${p.hits.count}${p.hits.capped ? '+' : ''} hits` : ''}`;
    };
    console.log(`\nrequests over HTTP RPC (median of ${RUNS}; target < ${TARGET_MS} ms)`);
    row('', 'median', 'p95', 'shown/total');
    await time('list, first page (100)', 'history:list', { limit: 100 }, pageNote);
    await time('list, second page', 'history:list', { limit: 100, offset: 100 }, pageNote);
    await time('list, 200 (as the old UI asked)', 'history:list', { limit: 200 }, pageNote);
    await time('filter values (facets)', 'history:facets', {});
    await time(`search the most common word "${words.common}"`, 'history:list', { limit: 100, query: words.common }, pageNote);
    await time('search one letter "t"', 'history:list', { limit: 100, query: 't' }, pageNote);
    await time('search a prefix "fun"', 'history:list', { limit: 100, query: 'fun' }, pageNote);
    await time(`search a phrase "${words.phrase}"`, 'history:list', { limit: 100, query: `"${words.phrase}"` }, pageNote);
    await time('search the unique word', 'history:list', { limit: 100, query: UNIQUE }, (v) => {
      const p = v as SessionPage;
      if (p.total !== 1 || p.sessions[0]?.hits.length !== 1) throw new Error('the unique word was not found exactly once');
      return pageNote(v);
    });
    await time('filter: source', 'history:list', { limit: 100, source: 'claude-code' }, pageNote);
    await time('filter: agent', 'history:list', { limit: 100, agentKind: 'claude-code' }, pageNote);
    await time(`filter: model ${facets.models[0]?.key ?? ''}`, 'history:list', { limit: 100, model: facets.models[0]?.key }, pageNote);
    await time('filter: folder', 'history:list', { limit: 100, folder: facets.folders[0]?.path ?? '' }, pageNote);
    await time('filter: dates (a week)', 'history:list', { limit: 100, from: Date.UTC(2026, 0, 20), to: Date.UTC(2026, 0, 27) }, pageNote);
    await time('filter: model + search', 'history:list', { limit: 100, model: facets.models[0]?.key, query: words.common }, pageNote);
    await time('longest timeline', 'history:timeline', { sessionId: words.longest }, (v) => `${(v as Timeline).entries.length} entries`);
    await time('usage, all time', 'history:usage', { from: '2000-01-01', to: '2100-01-01' }, (v) => `${(v as UsageReport).days.length} days`);
    await time('usage, 30 days', 'history:usage', { from: '2026-02-01', to: '2026-03-02' }, (v) => `${(v as UsageReport).days.length} days`);

    // The core while the heaviest search runs over and over, next to the same core idle.
    let searching = false;
    let searches = 0;
    const infoIdle: number[] = [];
    const infoBusy: number[] = [];
    const repo = makeRepo('bench-history-approval');
    const stub = path.join(dataDir, 'agent-stub.sh');
    fs.writeFileSync(stub, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    value(await app.router.dispatch('rules:create', { effect: 'allow', toolName: 'Read', pattern: null, scope: 'global', projectId: null, sessionId: null }));
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'stub', kind: 'claude-code', command: stub, args: [], env: {} }));
    session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 80, rows: 24 }));
    const running = app;
    await waitFor(async () => (await running.ptyHost.list()).some((s) => s.sessionId === session!.id), 'the stub agent');
    // Idle and busy in turns, so a busy moment of the shared machine falls on both.
    const idle: number[] = [];
    const busy: number[] = [];
    const ROUNDS = 4;
    searches = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await rpc('app:info');
        infoIdle.push(performance.now() - t);
      }
      idle.push(...(await gatewayAlone(running, session.id, Math.ceil(APPROVALS / ROUNDS))));
      searching = true;
      const loop = (async () => {
        while (searching) {
          await rpc('history:list', { limit: 100, query: words.common });
          searches++;
        }
      })();
      // The search is under way before the first approval.
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await rpc('app:info');
        infoBusy.push(performance.now() - t);
      }
      busy.push(...(await gatewayAlone(running, session.id, Math.ceil(APPROVALS / ROUNDS))));
      searching = false;
      await loop;
    }
    console.log(`\nthe core while the most common word is searched back to back (${searches} searches during the approvals)`);
    row('', 'p50', 'p95', 'busy / idle');
    const idle50 = percentile(idle, 50);
    row('approval round trip (allow rule), idle', `${idle50.toFixed(1)} ms`, `${percentile(idle, 95).toFixed(1)} ms`);
    row('approval round trip, during searches', `${percentile(busy, 50).toFixed(1)} ms`, `${percentile(busy, 95).toFixed(1)} ms`, `${(percentile(busy, 50) / idle50).toFixed(2)}x (target < 2x)`);
    row('app:info, idle', `${percentile(infoIdle, 50).toFixed(1)} ms`, `${percentile(infoIdle, 95).toFixed(1)} ms`);
    row('app:info, during searches', `${percentile(infoBusy, 50).toFixed(1)} ms`, `${percentile(infoBusy, 95).toFixed(1)} ms`, `${(percentile(infoBusy, 50) / percentile(infoIdle, 50)).toFixed(2)}x`);

    // Cost against ccusage on the corpus alone (the unique session's day is left out of both).
    const report = await rpc<UsageReport>('history:usage', { from: '2000-01-01', to: '2100-01-01' });
    try {
      const env = { ...process.env, CLAUDE_CONFIG_DIR: corpus.claudeDir, TZ: 'UTC', NO_COLOR: '1' };
      const t = performance.now();
      const command = Number(CCUSAGE.split('.')[0]) >= 20 ? ['claude', 'daily'] : ['daily'];
      const out = await run('npx', ['--yes', `ccusage@${CCUSAGE}`, ...command, '--json', '--offline', '--timezone', 'UTC'], env);
      const ccMs = performance.now() - t;
      const cc = JSON.parse(out) as {
        daily: { date: string; totalCost: number; modelBreakdowns?: { modelName: string; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; cost: number }[] }[];
        totals: { totalCost: number; outputTokens: number };
      };
      const days = new Set(cc.daily.map((d) => d.date));
      const ours = report.days.filter((d) => days.has(d.day)).reduce((n, d) => n + (d.cost ?? 0) + (d.cacheCost ?? 0), 0) - (report.days.find((d) => d.day === '2026-02-10') ? (10 * 1 + 5 * 5) / 1e6 : 0);
      const diff = Math.abs(ours - cc.totals.totalCost) / cc.totals.totalCost;
      console.log('\ncost in dollars, all time');
      row('pitwall (price table)', `$${ours.toFixed(2)}`);
      row(`ccusage@${CCUSAGE} ${command.join(' ')} --json --offline`, `$${cc.totals.totalCost.toFixed(2)}`, `${(ccMs / 1000).toFixed(1)} s`);
      row('difference (target < 1 %)', `${(diff * 100).toFixed(3)} %`, diff < 0.01 ? 'ok' : 'OVER');
      // The price table alone: Pitwall's prices on ccusage's own token counts, model by model.
      let priced = 0;
      let theirs = 0;
      for (const d of cc.daily) {
        for (const m of d.modelBreakdowns ?? []) {
          priced += costOf(m.modelName, { input: m.inputTokens, output: m.outputTokens, cacheRead: m.cacheReadTokens, cacheWrite: m.cacheCreationTokens })?.total ?? 0;
          theirs += m.cost;
        }
      }
      const tableDiff = Math.abs(priced - theirs) / theirs;
      row('price table on ccusage\'s tokens vs its cost', `$${priced.toFixed(2)}`, `$${theirs.toFixed(2)}`, `${(tableDiff * 100).toFixed(3)} %`, tableDiff < 0.01 ? 'ok' : 'OVER');
      // Less the unique session's own 5 output tokens, which ccusage does not read (as for the cost above).
      const ourOutput = report.days.filter((d) => days.has(d.day)).reduce((n, d) => n + d.output, 0) - (report.days.find((d) => d.day === '2026-02-10') ? 5 : 0);
      row('output tokens: pitwall / ccusage', ourOutput.toLocaleString('en-US'), cc.totals.outputTokens.toLocaleString('en-US'), ourOutput === cc.totals.outputTokens ? 'agree' : 'a split response counted differently');
    } catch (error) {
      row(`ccusage@${CCUSAGE}`, `failed: ${(error as Error).message.slice(0, 200)}`);
    }
    console.log(over.length ? `\nover ${TARGET_MS} ms: ${over.join(', ')}` : `\nevery request under ${TARGET_MS} ms`);
  } finally {
    if (session) await app?.router.dispatch('sessions:stop', { sessionId: session.id });
    await app?.sessions.shutdownAgents().catch(() => undefined);
    await server?.dispose();
    await app?.dispose();
    if (!process.env.PITWALL_BENCH_KEEP) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
