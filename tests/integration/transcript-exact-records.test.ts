import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SessionSummary, Timeline } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { scanTranscripts } from '../../src-main/transcripts/transcript-scanner';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { closeTranscriptDbs, days, fixtureLines, FIXTURES, messageCounts, place, transcriptDb, usageTotals, writeLines } from '../helpers/transcript-db';
import { poller, value } from '../helpers/wait';

// Each item of "exact records", on real files (the real Claude Code and Codex CLIs' own output, and
// public samples; see tests/fixtures/transcripts/SOURCES.md), checked against a count made here from
// the files' lines, independently of the parsers.

const CLAUDE_ID = '0f38c15d-fbfb-4183-90d6-e2d00cf2844d';
const CLAUDE_MAIN = `real-cli__claude-code__${CLAUDE_ID}.jsonl`;
const CLAUDE_AGENT = 'agent-ad6d2f646186ff6f8.jsonl';
const CLAUDE_SUB = `real-cli__claude-code__${CLAUDE_ID}__subagents__${CLAUDE_AGENT}`;
const CODEX_ID = '01a22e0f-85ab-74b2-a2f2-440f832b27b0';
const CODEX_NAME = `rollout-2026-11-30T20-04-58-${CODEX_ID}.jsonl`;
const CODEX = `real-cli__codex__${CODEX_NAME}`;

let app: App | null = null;
afterEach(async () => {
  closeTranscriptDbs();
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

/** Independent: a Claude file's user prompts, delegations and assistant texts, straight from its lines. */
function claudeRecount(fixture: string) {
  let user = 0;
  let delegation = 0;
  let assistant = 0;
  let firstPrompt: string | null = null;
  for (const line of fixtureLines(fixture)) {
    const message = line.message as { content?: unknown } | undefined;
    if (line.type === 'user' && typeof message?.content === 'string') {
      if (line.isSidechain === true) delegation++;
      else {
        user++;
        firstPrompt ??= message.content;
      }
    }
    if (line.type === 'assistant' && Array.isArray(message?.content)) assistant += (message.content as { type: string }[]).filter((b) => b.type === 'text').length;
  }
  return { user, delegation, assistant, firstPrompt };
}

/** Independent: a Codex rollout's per-response usage (its token_usage_record lines) and its prompt and reply. */
function codexRecount(fixture: string) {
  const responses: { input: number; output: number; cacheRead: number }[] = [];
  let messages = 0;
  for (const line of fixtureLines(fixture)) {
    const payload = line.payload as Record<string, unknown>;
    if (line.type === 'token_usage_record') {
      const u = payload.usage as { input_tokens: number; cached_input_tokens: number; output_tokens: number };
      responses.push({ input: u.input_tokens - u.cached_input_tokens, output: u.output_tokens, cacheRead: u.cached_input_tokens });
    }
    if (line.type === 'response_item' && payload.type === 'message' && (payload.role === 'user' || payload.role === 'assistant')) {
      const text = (payload.content as { text?: string }[]).map((c) => c.text ?? '').join('');
      if (!text.startsWith('<')) messages++;
    }
  }
  const sum = (k: 'input' | 'output' | 'cacheRead') => responses.reduce((n, r) => n + r[k], 0);
  return { responses, messages, totals: { responses: responses.length, input: sum('input'), output: sum('output'), cacheRead: sum('cacheRead'), cacheWrite: 0 } };
}

function session(t: ReturnType<typeof transcriptDb>, externalId: string) {
  return t.db.sqlite.prepare(`SELECT id, title, transcript_path AS path, project_id AS projectId, models FROM sessions WHERE external_id = ?`).get(externalId) as {
    id: string;
    title: string;
    path: string;
    projectId: string | null;
    models: string;
  };
}

describe('a Claude Code session with a subagent', () => {
  const expected = claudeRecount(CLAUDE_MAIN);
  const sub = claudeRecount(CLAUDE_SUB);

  it('takes its title and path from the main file even when the subagent file is read first, and shows the subagent prompt as a delegation', async () => {
    const t = transcriptDb();
    const sub0 = place(t.dir, CLAUDE_SUB, `projects/-demo/${CLAUDE_ID}/subagents/${CLAUDE_AGENT}`);
    const main = place(t.dir, CLAUDE_MAIN, `projects/-demo/${CLAUDE_ID}.jsonl`);
    await t.ingester.ingest(sub0, 'claude-code');
    await t.ingester.ingest(main, 'claude-code');
    const s = session(t, CLAUDE_ID);
    expect(s).toMatchObject({ title: expected.firstPrompt, path: main });
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/delegation': sub.delegation, 'assistant/text': expected.assistant + sub.assistant, 'user/text': expected.user });
    expect(t.history.timeline(s.id).entries.find((e) => e.type === 'message' && e.kind === 'delegation')).toMatchObject({
      role: 'assistant',
      text: (fixtureLines(CLAUDE_SUB).find((l) => l.type === 'user')!.message as { content: string }).content,
    });
  });

  it('is the same when a scan meets the subagent file first because it is newer', async () => {
    const t = transcriptDb();
    const main = place(t.dir, CLAUDE_MAIN, `projects/-demo/${CLAUDE_ID}.jsonl`);
    const sub0 = place(t.dir, CLAUDE_SUB, `projects/-demo/${CLAUDE_ID}/subagents/${CLAUDE_AGENT}`);
    fs.utimesSync(main, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    fs.utimesSync(sub0, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
    const order: string[] = [];
    await scanTranscripts([{ source: 'claude-code', path: path.join(t.dir, 'projects') }], t.ingester, () => {}, { onFile: (r) => order.push(r.path) });
    expect(order).toEqual([sub0, main]);
    expect(session(t, CLAUDE_ID)).toMatchObject({ title: expected.firstPrompt, path: main });
  });

  it('is one session when the file is copied under a second name, and a search finds it once', async () => {
    const t = transcriptDb();
    const copy = place(t.dir, CLAUDE_MAIN, 'projects/-demo/11111111-2222-4333-8444-555555555555.jsonl');
    const main = place(t.dir, CLAUDE_MAIN, `projects/-demo/${CLAUDE_ID}.jsonl`);
    await t.ingester.ingest(copy, 'claude-code');
    await t.ingester.ingest(main, 'claude-code');
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM sessions`).get()).toEqual({ n: 1 });
    const s = session(t, CLAUDE_ID);
    expect(s.path).toBe(main);
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/text': expected.assistant, 'user/text': expected.user });
    expect(t.history.sessions({ limit: 100, query: 'README' }).map((x) => x.id)).toEqual([s.id]);
  });
});

describe('a Codex rollout', () => {
  const expected = codexRecount(CODEX);

  it('read again after a rewrite that dropped an early line keeps one row per message, call and response', async () => {
    const t = transcriptDb();
    const file = place(t.dir, CODEX, `sessions/2026/11/30/${CODEX_NAME}`);
    await t.ingester.ingest(file, 'codex');
    const s = session(t, CODEX_ID);
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/text': 1, 'user/text': 1 });
    expect(usageTotals(t.db).records).toEqual(expected.totals);
    // Rewritten in place (a new file under the same name) without its third line.
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(`${file}.tmp`, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    fs.renameSync(`${file}.tmp`, file);
    expect((await t.ingester.ingest(file, 'codex')).outcome).toBe('ingested');
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/text': 1, 'user/text': 1 });
    expect(t.db.sqlite.prepare(`SELECT count(DISTINCT external_id) AS n FROM tool_calls`).get()).toEqual({ n: 1 });
    expect(usageTotals(t.db)).toEqual({ records: expected.totals, daily: expected.totals });
  });

  it('copied under a name with another id is the same session (by its session_meta), and its usage counts once', async () => {
    const t = transcriptDb();
    const copy = place(t.dir, CODEX, 'sessions/2026/11/30/rollout-2026-11-30T20-04-58-0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.jsonl');
    const original = place(t.dir, CODEX, `sessions/2026/11/30/${CODEX_NAME}`);
    await t.ingester.ingest(copy, 'codex');
    await t.ingester.ingest(original, 'codex');
    expect(t.db.sqlite.prepare(`SELECT external_id FROM sessions`).all()).toEqual([{ external_id: CODEX_ID }]);
    expect(session(t, CODEX_ID).path).toBe(original);
    expect(usageTotals(t.db)).toEqual({ records: expected.totals, daily: expected.totals });
  });

  it("shows each response's tokens in the timeline, and finds a file name the agent wrote in its tool input", async () => {
    const t = transcriptDb();
    await t.ingester.ingest(place(t.dir, CODEX, `sessions/2026/11/30/${CODEX_NAME}`), 'codex');
    const s = session(t, CODEX_ID);
    const entries = t.history.timeline(s.id).entries;
    const [first, second] = expected.responses;
    // The first response was the command, the second the reply.
    expect(entries.find((e) => e.type === 'tool')).toMatchObject({ name: 'exec_command', tokens: { input: first!.input, output: first!.output, cacheRead: first!.cacheRead, cacheWrite: 0 } });
    expect(entries.find((e) => e.type === 'message' && e.role === 'assistant')).toMatchObject({ tokens: { input: second!.input, output: second!.output, cacheRead: second!.cacheRead, cacheWrite: 0 } });
    const found = t.history.sessions({ limit: 10, query: 'notes.txt' });
    expect(found.map((x) => x.id)).toEqual([s.id]);
    expect(found[0]!.hits[0]!.snippet).toContain('\u0001notes\u0002');
  });
});

describe('rows an older Pitwall wrote', () => {
  it('keyed by byte offset are replaced when the rollout is read again, not added to', async () => {
    const t = transcriptDb();
    const expected = codexRecount(CODEX);
    // What an older Pitwall left: the same session, its rows keyed by where their lines were.
    const q = t.db.sqlite;
    q.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, external_id, status, models) VALUES ('old', 1, 1, 'codex', 'codex', ?, 'recorded', '[]')`).run(CODEX_ID);
    q.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence, external_id) VALUES ('m-old', 1, 1, 'old', 'user', 'Write pit notes', 1, 'line-3120')`).run();
    q.prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, status) VALUES ('t-old', 1, 1, 'old', 'line-5000', 'exec_command', 'called')`).run();
    q.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens) VALUES (?, 'old', '2026-11-30', 'codex', 'gpt-5-codex', '', 200, 40, 1000)`).run(`codex:${CODEX_ID}@9000`);
    q.prepare(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, responses) VALUES ('2026-11-30', 'codex', 'gpt-5-codex', '', 200, 40, 1000, 1)`).run();
    await t.ingester.ingest(place(t.dir, CODEX, `sessions/2026/11/30/${CODEX_NAME}`), 'codex');
    expect(q.prepare(`SELECT count(*) AS n FROM messages WHERE external_id GLOB 'line-*'`).get()).toEqual({ n: 0 });
    expect(messageCounts(t.db, 'old')).toEqual({ 'assistant/text': 1, 'user/text': 1 });
    expect(q.prepare(`SELECT count(*) AS n FROM tool_calls`).get()).toEqual({ n: 2 });
    expect(usageTotals(t.db)).toEqual({ records: expected.totals, daily: expected.totals });
  });
});

describe('usage days', () => {
  const evening = (uuid: string, at: string) => ({ type: 'assistant', uuid, sessionId: 'ny-evening', timestamp: at, message: { id: `msg_${uuid}`, role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text: 'late' }], usage: { input_tokens: 10, output_tokens: 1 } } });
  const lines = [evening('a', '2024-01-01T22:00:00Z'), evening('b', '2024-01-02T03:00:00Z'), evening('c', '2024-01-02T16:00:00Z')];

  it('are rebuilt in a new zone, to what a first read in that zone gives', async () => {
    const utc = transcriptDb('UTC');
    await utc.ingester.ingest(writeLines(utc.dir, 'projects/-ny/ny-evening.jsonl', lines), 'claude-code');
    expect(Object.keys(days(utc.db))).toEqual(['2024-01-01', '2024-01-02']);
    expect(days(utc.db)['2024-01-02']).toMatchObject({ input: 20 });
    expect(utc.store.useTimeZone('America/New_York')).toBe(true);
    const ny = transcriptDb('America/New_York');
    await ny.ingester.ingest(writeLines(ny.dir, 'projects/-ny/ny-evening.jsonl', lines), 'claude-code');
    expect(days(ny.db)).toEqual({ '2024-01-01': { input: 20, output: 2, cacheRead: 0, cacheWrite: 0 }, '2024-01-02': { input: 10, output: 1, cacheRead: 0, cacheWrite: 0 } });
    expect(days(utc.db)).toEqual(days(ny.db));
    // Asked again for the zone it was built in: nothing to do.
    expect(utc.store.useTimeZone('America/New_York')).toBe(false);
  });

  it('follow the setting in the app: the report moves to the new zone and says so', async () => {
    const home = tempDir('pitwall-home-');
    writeLines(home, '.claude/projects/-ny/ny-evening.jsonl', lines);
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.router.dispatch('settings:update', { usageTimeZone: 'UTC' });
    await app.transcripts.scanDone();
    const until = poller({ timeoutMs: 10_000, intervalMs: 25 });
    const report = async () => value<{ days: { day: string; input: number }[]; timeZone?: string }>(await app!.router.dispatch('history:usage', { from: '2023-12-31', to: '2024-01-03' }));
    await until(async () => ((await report()).days.length === 2 && (await report()).days[0]!.input === 10 ? true : null), 'UTC days');
    expect(await report()).toMatchObject({ timeZone: 'UTC', days: [{ day: '2024-01-01', input: 10 }, { day: '2024-01-02', input: 20 }] });
    const bad = await app.router.dispatch('settings:update', { usageTimeZone: 'Nowhere/Town' });
    expect(bad.ok ? null : bad.error.message).toMatch(/Not a time zone/);
    await app.router.dispatch('settings:update', { usageTimeZone: 'America/New_York' });
    await until(async () => ((await report()).days[0]?.input === 20 ? true : null), 'New York days');
    expect(await report()).toMatchObject({ timeZone: 'America/New_York', days: [{ day: '2024-01-01', input: 20 }, { day: '2024-01-02', input: 10 }] });
  });
});

describe('projects and sessions', () => {
  it('moves sessions and their usage to a project registered, changed or removed after they were read', async () => {
    const t = transcriptDb();
    await t.ingester.ingest(place(t.dir, CODEX, `sessions/2026/11/30/${CODEX_NAME}`), 'codex');
    const cwd = (fixtureLines(CODEX)[0]!.payload as { cwd: string }).cwd;
    const byProject = () => t.db.sqlite.prepare(`SELECT project_key AS project, sum(input_tokens) AS input, sum(responses) AS responses FROM usage_daily GROUP BY project_key`).all();
    const expected = codexRecount(CODEX).totals;
    expect(byProject()).toEqual([{ project: '', input: expected.input, responses: expected.responses }]);
    t.db.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'demo', ?, '{}')`).run(path.dirname(cwd));
    expect(t.store.reattribute()).toHaveLength(1);
    expect(session(t, CODEX_ID).projectId).toBe('p1');
    expect(byProject()).toEqual([{ project: 'p1', input: expected.input, responses: expected.responses }]);
    // A deeper folder registered as another project takes it; removing that one gives it back.
    t.db.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p2', 1, 1, 'demo inner', ?, '{}')`).run(cwd);
    t.store.reattribute();
    expect(byProject()).toEqual([{ project: 'p2', input: expected.input, responses: expected.responses }]);
    t.db.sqlite.prepare(`UPDATE projects SET deleted_at = 2, version = version + 1 WHERE id IN ('p1', 'p2')`).run();
    t.store.reattribute();
    expect(session(t, CODEX_ID).projectId).toBeNull();
    expect(byProject()).toEqual([{ project: '', input: expected.input, responses: expected.responses }]);
    expect(t.store.reattribute()).toEqual([]);
  });

  it('in the app, a session read before its project was added moves to it when the project is added', async () => {
    const home = tempDir('pitwall-home-');
    const repo = makeRepo('late-project');
    const cwd = (fixtureLines(CODEX)[0]!.payload as { cwd: string }).cwd;
    const rollout = path.join(home, '.codex/sessions/2026/11/30', CODEX_NAME);
    fs.mkdirSync(path.dirname(rollout), { recursive: true });
    // The rollout as the CLI wrote it, run in this repository instead of the folder it ran in then.
    fs.writeFileSync(rollout, fs.readFileSync(path.join(FIXTURES, CODEX), 'utf8').split(cwd).join(repo));
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.transcripts.scanDone();
    const before = value<SessionSummary[]>(await app.router.dispatch('history:sessions', {}));
    expect(before.map((s) => s.projectId)).toEqual([null]);
    const project = await app.projects.add(repo);
    const until = poller({ timeoutMs: 10_000, intervalMs: 25 });
    const moved = await until(async () => value<SessionSummary[]>(await app!.router.dispatch('history:sessions', { projectId: project.id }))[0], 'the session in the project');
    expect(moved.id).toBe(before[0]!.id);
    const usage = value<{ byProject: { key: string; input: number }[] }>(await app.router.dispatch('history:usage', { from: '2026-01-01', to: '2026-12-31' }));
    expect(usage.byProject).toEqual([expect.objectContaining({ key: project.id, input: codexRecount(CODEX).totals.input })]);
  });
});

describe('problems of a damaged file', () => {
  it('keeps the first twenty problems, where the damage starts, and counts them all', async () => {
    const t = transcriptDb();
    const good = (uuid: string) => ({ type: 'user', uuid, sessionId: 'damaged', timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: `prompt ${uuid}` } });
    const lines = [good('a'), ...Array.from({ length: 30 }, (_, i) => `{"broken": ${i}`), good('b')];
    const file = writeLines(t.dir, 'projects/-p/8c1b1a4e-0000-4000-8000-0000000000d1.jsonl', lines);
    await t.ingester.ingest(file, 'claude-code');
    const offsets: number[] = [];
    let at = 0;
    for (const l of lines) {
      if (typeof l === 'string') offsets.push(at);
      at += Buffer.byteLength(typeof l === 'string' ? l : JSON.stringify(l)) + 1;
    }
    const row = t.db.sqlite.prepare(`SELECT problems, problem_count AS count FROM transcript_files`).get() as { problems: string; count: number };
    expect(row.count).toBe(30);
    expect((JSON.parse(row.problems) as { offset: number }[]).map((p) => p.offset)).toEqual(offsets.slice(0, 20));
  });

  it('reads a last line without its newline when it is whole, and records one that is cut short once the file stopped changing', async () => {
    const t = transcriptDb();
    const lines = fixtureLines(CLAUDE_MAIN);
    const whole = writeLines(t.dir, `projects/-demo/${CLAUDE_ID}.jsonl`, lines, false);
    await t.ingester.ingest(whole, 'claude-code');
    expect(t.db.sqlite.prepare(`SELECT offset, size FROM transcript_files`).get()).toEqual({ offset: fs.statSync(whole).size, size: fs.statSync(whole).size });
    const s = session(t, CLAUDE_ID);
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/text': claudeRecount(CLAUDE_MAIN).assistant, 'user/text': 1 });

    const cut = writeLines(t.dir, 'projects/-demo/8c1b1a4e-0000-4000-8000-0000000000d2.jsonl', [...lines.slice(0, 3).map((l) => ({ ...l, sessionId: 'cut' })), '{"type":"user","uuid":"x","mess'], false);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(cut, old, old);
    const result = await t.ingester.ingest(cut, 'claude-code');
    expect(result.problems).toBe(1);
    const row = t.db.sqlite.prepare(`SELECT problems, offset FROM transcript_files WHERE path = ?`).get(cut) as { problems: string; offset: number };
    expect(JSON.parse(row.problems)).toEqual([{ offset: row.offset, reason: expect.stringMatching(/no newline and is not complete JSON/) }]);
    // The writer comes back and finishes it: read then, from where the cut line starts.
    fs.appendFileSync(cut, 'age":{"role":"user","content":"finished later"},"sessionId":"cut","timestamp":"2026-01-01T00:00:00Z"}\n');
    await t.ingester.ingest(cut, 'claude-code');
    expect(t.db.sqlite.prepare(`SELECT text FROM messages WHERE text = 'finished later'`).all()).toHaveLength(1);
  });
});

describe('other sources', () => {
  it('applies a VS Code log that cuts and deletes requests: their messages go, the tool calls that ran and the usage stay', async () => {
    const t = transcriptDb();
    const file = place(t.dir, 'git-ai-project__git-ai__copilot_session_multiline.jsonl', 'workspaceStorage/w1/chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl');
    await t.ingester.ingest(file, 'vscode-copilot');
    const s = session(t, '7de89a80-6d93-43e7-be0a-0a9afe980198');
    const tools = t.db.sqlite.prepare(`SELECT count(*) AS n FROM tool_calls`).get();
    const usage = usageTotals(t.db);
    expect(messageCounts(t.db, s.id)).toEqual({ 'assistant/text': 2, 'user/text': 2 });
    // VS Code removes the second request: a push that first cuts the list to one.
    fs.appendFileSync(file, `${JSON.stringify({ kind: 2, k: ['requests'], i: 1 })}\n`);
    await t.ingester.ingest(file, 'vscode-copilot');
    const firstRequest = (fixtureLines('git-ai-project__git-ai__copilot_session_multiline.jsonl')[0]!.v as { requests: { requestId: string }[] }).requests[0]!.requestId;
    expect(t.db.sqlite.prepare(`SELECT external_id FROM messages ORDER BY sequence`).all()).toEqual([{ external_id: `${firstRequest}:user` }, { external_id: `${firstRequest}:assistant` }]);
    // Then deletes the first one's response.
    fs.appendFileSync(file, `${JSON.stringify({ kind: 3, k: ['requests', 0, 'response'] })}\n`);
    await t.ingester.ingest(file, 'vscode-copilot');
    expect(messageCounts(t.db, s.id)).toEqual({ 'user/text': 1 });
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM tool_calls`).get()).toEqual(tools);
    expect(usageTotals(t.db)).toEqual(usage);
  });

  it('shows what a Gemini tool gave back when the CLI displayed nothing', async () => {
    const t = transcriptDb();
    const fixture = 'git-ai-project__git-ai__gemini-session-simple.json';
    await t.ingester.ingest(place(t.dir, fixture, '28be4f5feb651b48879e1281570b925ec19d4e00cd5aa13d3b3f17fe9efd858d/chats/session-2025-12-06T18-25-18f475c0.json'), 'gemini');
    const data = JSON.parse(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8')) as { messages: { toolCalls?: { id: string; resultDisplay?: string; result: { functionResponse: { response: { output?: string } } }[] }[] }[] };
    const silent = data.messages.flatMap((m) => m.toolCalls ?? []).filter((c) => c.resultDisplay === '');
    expect(silent.length).toBeGreaterThan(0);
    for (const call of silent) {
      const row = t.db.sqlite.prepare(`SELECT output_summary AS output FROM tool_calls WHERE external_id = ? AND status != 'called'`).get(call.id) as { output: string };
      expect(row.output).toBe(call.result[0]!.functionResponse.response.output);
    }
  });

  it('names a model one way: a Copilot request without a resolved model and a Claude Code response are the same model', async () => {
    const t = transcriptDb();
    const copilot = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__copilot_session_simple.json'), 'utf8')) as { requests: Record<string, unknown>[] };
    // As Copilot writes Claude Opus 4.6 when the request has no resolved model.
    for (const r of copilot.requests) {
      r.modelId = 'copilot/claude-opus-4.6';
      r.result = { ...(r.result as object), usage: { promptTokens: 10, completionTokens: 5 } };
    }
    const vscode = path.join(t.dir, 'workspaceStorage/w2/chatSessions/331fed7f-cfd6-409c-8502-06a56322b636.json');
    fs.mkdirSync(path.dirname(vscode), { recursive: true });
    fs.writeFileSync(vscode, JSON.stringify(copilot));
    await t.ingester.ingest(vscode, 'vscode-copilot');
    const claude = writeLines(t.dir, 'projects/-p/8c1b1a4e-0000-4000-8000-0000000000e1.jsonl', [
      { type: 'assistant', uuid: 'm1', sessionId: 's-opus', timestamp: '2026-01-01T00:00:00Z', message: { id: 'msg_opus', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 1, output_tokens: 1 } } },
    ]);
    await t.ingester.ingest(claude, 'claude-code');
    expect(t.db.sqlite.prepare(`SELECT DISTINCT model FROM usage_daily`).all()).toEqual([{ model: 'claude-opus-4-6' }]);
    expect(t.db.sqlite.prepare(`SELECT DISTINCT j.value AS model FROM sessions, json_each(sessions.models) j`).all()).toEqual([{ model: 'claude-opus-4-6' }]);
  });
});

describe('in the app', () => {
  it('finds a session by what its tools were given, and shows a subagent prompt as a delegation', async () => {
    const home = tempDir('pitwall-home-');
    const main = path.join(home, '.claude/projects/-demo', `${CLAUDE_ID}.jsonl`);
    fs.mkdirSync(path.join(path.dirname(main), CLAUDE_ID, 'subagents'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, CLAUDE_MAIN), main);
    fs.copyFileSync(path.join(FIXTURES, CLAUDE_SUB), path.join(path.dirname(main), CLAUDE_ID, 'subagents', CLAUDE_AGENT));
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.transcripts.scanDone();
    const found = value<SessionSummary[]>(await app.router.dispatch('history:sessions', { query: 'README.md' }));
    expect(found).toHaveLength(1);
    const timeline = value<Timeline>(await app.router.dispatch('history:timeline', { sessionId: found[0]!.id }));
    expect(timeline.session.title).toBe('Find out what the README says');
    expect(timeline.entries.filter((e) => e.type === 'message' && e.kind === 'delegation')).toHaveLength(1);
    expect(timeline.entries.filter((e) => e.type === 'message' && e.role === 'user')).toHaveLength(1);
  });
});
