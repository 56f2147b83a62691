import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import type { TranscriptSourceId } from '../../src-main/transcripts/parsed';
import { projectResolverFor } from '../../src-main/transcripts/project-resolver';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');
const handles: DatabaseHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.close();
});
afterAll(removeTempDirs);

function setup(): { db: DatabaseHandle; ingester: TranscriptIngester; dir: string } {
  const dir = tempDir('pitwall-ingest-');
  const db = openDatabase({ file: path.join(dir, 'pitwall.db'), migrationsDir: MIGRATIONS_DIR });
  handles.push(db);
  return { db, ingester: new TranscriptIngester(new TranscriptStore(db.sqlite, projectResolverFor(db.sqlite))), dir };
}

/** Everything ingested, without the row ids and times a second run makes anew. */
function snapshot(db: DatabaseHandle): unknown {
  const q = (sql: string) => db.sqlite.prepare(sql).all();
  return {
    sessions: q(`SELECT source, agent_kind, external_id, title, cwd, models, started_at, ended_at, status FROM sessions ORDER BY external_id`),
    messages: q(`SELECT s.external_id AS session, m.external_id, m.role, m.kind, m.text, m.sequence, m.timestamp, m.model, m.usage_key FROM messages m JOIN sessions s ON s.id = m.session_id ORDER BY s.external_id, m.external_id`),
    tools: q(`SELECT s.external_id AS session, t.external_id, t.status, t.name, t.input, t.output_summary FROM tool_calls t JOIN sessions s ON s.id = t.session_id ORDER BY s.external_id, t.external_id, t.status`),
    usage: q(`SELECT key, day, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM usage_records ORDER BY key`),
    daily: q(`SELECT * FROM usage_daily ORDER BY day, model`),
  };
}

function counts(db: DatabaseHandle, sessionId: string) {
  const one = <T>(sql: string) => db.sqlite.prepare(sql).get(sessionId) as T;
  return {
    user: one<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE session_id = ? AND role = 'user'`).n,
    assistant: one<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE session_id = ? AND role = 'assistant' AND kind = 'text'`).n,
    thinking: one<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE session_id = ? AND kind = 'thinking'`).n,
    toolCalls: one<{ n: number }>(`SELECT count(DISTINCT external_id) AS n FROM tool_calls WHERE session_id = ?`).n,
    answered: one<{ n: number }>(`SELECT count(*) AS n FROM tool_calls WHERE session_id = ? AND status IN ('succeeded', 'failed')`).n,
    tokens: one<{ responses: number; input: number; output: number; cacheRead: number; cacheWrite: number }>(
      `SELECT count(*) AS responses, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite FROM usage_records WHERE session_id = ?`,
    ),
  };
}

/** Copies a fixture into a root laid out as the agent lays it out. */
function place(dir: string, fixture: string, relative: string): string {
  const target = path.join(dir, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, fixture), target);
  return target;
}

// Counts checked by hand against the files (and by an independent script over the same lines).
const SAMPLES: {
  fixture: string;
  source: TranscriptSourceId;
  relative: string;
  expected: ReturnType<typeof counts>;
  title: string;
}[] = [
  {
    fixture: 'git-ai-project__git-ai__example-claude-code.jsonl',
    source: 'claude-code',
    relative: 'projects/-Users-a-ghq/8c1b1a4e-0000-4000-8000-000000000001.jsonl',
    expected: { user: 2, assistant: 10, thinking: 0, toolCalls: 13, answered: 13, tokens: { responses: 13, input: 57, output: 3306, cacheRead: 293447, cacheWrite: 28933 } },
    title: 'Make the colors green and yellow',
  },
  {
    fixture: 'marot__spotter__subagent.jsonl',
    source: 'claude-code',
    relative: 'projects/-home-marco-projects-spotter/8c1b1a4e-0000-4000-8000-000000000002.jsonl',
    expected: { user: 3, assistant: 7, thinking: 4, toolCalls: 16, answered: 16, tokens: { responses: 12, input: 1576, output: 1586, cacheRead: 427286, cacheWrite: 25842 } },
    title: '[Request interrupted by user]',
  },
  {
    fixture: 'git-ai-project__git-ai__claude-code-with-thinking.jsonl',
    source: 'claude-code',
    relative: 'projects/-Users-s-testing/8c1b1a4e-0000-4000-8000-000000000003.jsonl',
    expected: { user: 1, assistant: 2, thinking: 2, toolCalls: 1, answered: 1, tokens: { responses: 2, input: 18, output: 484, cacheRead: 32612, cacheWrite: 7461 } },
    title: 'Add Hello World Header Comment to index.ts',
  },
  {
    fixture: 'git-ai-project__git-ai__codex-session-simple.jsonl',
    source: 'codex',
    relative: 'sessions/2026/02/11/rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl',
    expected: { user: 1, assistant: 1, thinking: 0, toolCalls: 1, answered: 0, tokens: { responses: 0, input: null, output: null, cacheRead: null, cacheWrite: null } as never },
    title: 'Refactor src/main.rs to add a greeting function.',
  },
  {
    fixture: 'codex__jazzyalex__agent-sessions__small.jsonl',
    source: 'codex',
    relative: 'sessions/2026/08/03/rollout-2026-08-03T10-00-00-0198a1b2-0000-7000-8000-000000000001.jsonl',
    // Three token_count events: one with usage, one without info, one of zeros (no response, as ccusage counts it). Input excludes the cached part.
    expected: { user: 1, assistant: 1, thinking: 1, toolCalls: 5, answered: 5, tokens: { responses: 1, input: 12757, output: 81, cacheRead: 3584, cacheWrite: 0 } },
    title: '[trimmed for fixture]',
  },
  {
    fixture: 'git-ai-project__git-ai__copilot_session_simple.json',
    source: 'vscode-copilot',
    relative: 'workspaceStorage/0123456789abcdef0123456789abcdef/chatSessions/simple.json',
    expected: { user: 3, assistant: 3, thinking: 0, toolCalls: 2, answered: 2, tokens: { responses: 0, input: null, output: null, cacheRead: null, cacheWrite: null } as never },
    title: 'Assistance with TypeScript project tasks',
  },
  {
    fixture: 'git-ai-project__git-ai__copilot_session_multiline.jsonl',
    source: 'vscode-copilot',
    relative: 'workspaceStorage/0123456789abcdef0123456789abcdef/chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl',
    expected: { user: 2, assistant: 2, thinking: 0, toolCalls: 3, answered: 3, tokens: { responses: 2, input: 19671, output: 73, cacheRead: 0, cacheWrite: 0 } },
    title: 'Adding a joke to jokes.csv file',
  },
  {
    fixture: 'git-ai-project__git-ai__gemini-session-simple.json',
    source: 'gemini',
    relative: '28be4f5feb651b48879e1281570b925ec19d4e00cd5aa13d3b3f17fe9efd858d/chats/session-2025-12-06T18-25-18f475c0.json',
    // Input excludes the cached part; output includes the thoughts (billed as output).
    expected: { user: 1, assistant: 6, thinking: 5, toolCalls: 5, answered: 5, tokens: { responses: 6, input: 16477, output: 817, cacheRead: 34456, cacheWrite: 0 } },
    title: 'add another hello bob console log to @index.ts --- Content from referenced file…',
  },
  {
    fixture: 'jazzyalex__agent-sessions__jsonl_v040.jsonl',
    source: 'gemini',
    relative: '0b7dfb1274ee51b336813b17f2ddab1f56b6591f723e7314126bbd502c69e9c9/chats/session-2026-04-29T21-39-gemini_s.jsonl',
    expected: { user: 1, assistant: 1, thinking: 0, toolCalls: 1, answered: 1, tokens: { responses: 2, input: 12422, output: 228, cacheRead: 11502, cacheWrite: 0 } },
    title: 'Say hello and list files.',
  },
];

describe('transcript parsers on real files', () => {
  for (const sample of SAMPLES) {
    it(`read ${sample.fixture} with the counts checked by hand`, async () => {
      const { db, ingester, dir } = setup();
      const file = place(dir, sample.fixture, sample.relative);
      const result = await ingester.ingest(file, sample.source);
      expect(result.outcome).toBe('ingested');
      expect(result.problems).toBe(0);
      expect(counts(db, result.sessionId!)).toEqual(sample.expected);
      const session = db.sqlite.prepare(`SELECT title, status FROM sessions WHERE id = ?`).get(result.sessionId) as { title: string; status: string };
      expect(session).toEqual({ title: sample.title, status: 'recorded' });
    });
  }

  it('map a VS Code workspace to its folder through workspace.json', async () => {
    const { db, ingester, dir } = setup();
    const file = place(dir, 'git-ai-project__git-ai__copilot_session_simple.json', 'workspaceStorage/abc/chatSessions/s.json');
    fs.writeFileSync(path.join(dir, 'workspaceStorage/abc/workspace.json'), JSON.stringify({ folder: 'file:///home/me/src/my%20app' }));
    const { sessionId } = await ingester.ingest(file, 'vscode-copilot');
    expect(db.sqlite.prepare(`SELECT cwd FROM sessions WHERE id = ?`).get(sessionId)).toEqual({ cwd: '/home/me/src/my app' });
  });

  it('record the workspace a session was read from (its folder, the storage folder’s name, this machine), once per folder, and move it with its project', async () => {
    const { db, ingester, dir } = setup();
    const machine = 'machine-1';
    db.sqlite.prepare(`INSERT INTO machines (id, created_at, updated_at, hostname, platform, is_local) VALUES (?, 1, 1, 'laptop', 'linux-x64', 1)`).run(machine);
    const first = place(dir, 'git-ai-project__git-ai__copilot_session_simple.json', 'workspaceStorage/abc/chatSessions/s.json');
    fs.writeFileSync(path.join(dir, 'workspaceStorage/abc/workspace.json'), JSON.stringify({ folder: 'file:///home/me/src/app' }));
    const second = place(dir, 'git-ai-project__git-ai__copilot_session_multiline.jsonl', 'workspaceStorage/abc/chatSessions/t.jsonl');
    const a = (await ingester.ingest(first, 'vscode-copilot')).sessionId;
    const b = (await ingester.ingest(second, 'vscode-copilot')).sessionId;
    const workspaces = db.sqlite.prepare(`SELECT id, machine_id AS machineId, project_id AS projectId, source, external_id AS externalId, folder FROM workspaces`).all() as { id: string }[];
    expect(workspaces).toEqual([{ id: expect.any(String), machineId: machine, projectId: null, source: 'vscode-copilot', externalId: 'abc', folder: '/home/me/src/app' }]);
    const workspaceOf = (id: string | null) => (db.sqlite.prepare(`SELECT workspace_id AS w FROM sessions WHERE id = ?`).get(id) as { w: string }).w;
    expect(a).not.toBe(b);
    expect([workspaceOf(a), workspaceOf(b)]).toEqual([workspaces[0]!.id, workspaces[0]!.id]);
    // The folder becomes a project: the workspace follows its sessions there.
    db.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'app', '/home/me/src/app', '{}')`).run();
    const store = new TranscriptStore(db.sqlite, projectResolverFor(db.sqlite));
    store.reattribute();
    expect(db.sqlite.prepare(`SELECT project_id AS p FROM workspaces`).all()).toEqual([{ p: 'p1' }]);
  });

  it('map a Gemini chat to the registered project whose folder hashes to its project hash', async () => {
    const { db, ingester, dir } = setup();
    const folder = '/home/dev/gemini-app';
    db.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'gemini-app', ?, '{}')`).run(folder);
    const hash = crypto.createHash('sha256').update(folder).digest('hex');
    const file = place(dir, 'jazzyalex__agent-sessions__jsonl_v040.jsonl', `${hash}/chats/session-2026-04-29T21-39-gemini_s.jsonl`);
    const { sessionId } = await ingester.ingest(file, 'gemini');
    expect(db.sqlite.prepare(`SELECT cwd, project_id FROM sessions WHERE id = ?`).get(sessionId)).toEqual({ cwd: folder, project_id: 'p1' });
  });

  it("map a Gemini 0.61 chat under its folder's name through .project_root, and give an empty run its folder and a title", async () => {
    const { db, ingester, dir } = setup();
    const folder = '/home/dev/gemini-new';
    db.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p2', 1, 1, 'gemini-new', ?, '{}')`).run(folder);
    fs.mkdirSync(path.join(dir, 'gemini-new', 'chats'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gemini-new', '.project_root'), folder);
    // An aborted run: the header line and nothing else.
    const file = path.join(dir, 'gemini-new', 'chats', 'session-2026-11-30T10-00-abc.jsonl');
    const hash = crypto.createHash('sha256').update(folder).digest('hex');
    fs.writeFileSync(file, `${JSON.stringify({ sessionId: 'gemini-empty-1', projectHash: hash, startTime: '2026-11-30T10:00:00.000Z', lastUpdated: '2026-11-30T10:00:00.000Z', kind: 'main' })}\n`);
    const { sessionId } = await ingester.ingest(file, 'gemini');
    expect(db.sqlite.prepare(`SELECT cwd, project_id, title FROM sessions WHERE id = ?`).get(sessionId)).toEqual({ cwd: folder, project_id: 'p2', title: 'Gemini CLI in gemini-new' });
  });

  it('joins a Codex rollout to the session launched in its folder within a minute only while that session runs', async () => {
    const { db, ingester, dir } = setup();
    const cwd = '/home/dev/codex-app';
    const started = Date.parse('2026-11-30T10:00:00.000Z');
    const insert = db.sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status, models, cwd, started_at) VALUES (?, 1, 1, 'launched', 'codex', ?, '[]', ?, ?)`);
    insert.run('exited-one', 'exited', cwd, started);
    const rollout = (id: string) =>
      [
        { timestamp: '2026-11-30T10:00:05.000Z', type: 'session_meta', payload: { id, timestamp: '2026-11-30T10:00:05.000Z', cwd, originator: 'codex_cli_rs', cli_version: '0.169.0' } },
        { timestamp: '2026-11-30T10:00:06.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n';
    const first = path.join(dir, 'sessions', '2026', '11', '30', 'rollout-2026-11-30T10-00-05-0190a0a0-0000-7000-8000-0000000000a1.jsonl');
    fs.mkdirSync(path.dirname(first), { recursive: true });
    fs.writeFileSync(first, rollout('0190a0a0-0000-7000-8000-0000000000a1'));
    const a = await ingester.ingest(first, 'codex');
    // The exited session is not taken: the rollout is a session of its own.
    expect(a.sessionId).not.toBe('exited-one');
    insert.run('running-one', 'running', cwd, started);
    const second = first.replace('a1.jsonl', 'a2.jsonl');
    fs.writeFileSync(second, rollout('0190a0a0-0000-7000-8000-0000000000a2'));
    expect((await ingester.ingest(second, 'codex')).sessionId).toBe('running-one');
  });

  it('put a subagent file into its parent session, and read the same file twice to the same rows', async () => {
    const { db, ingester, dir } = setup();
    const parent = place(dir, 'jazzyalex__agent-sessions__0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f.jsonl', 'projects/-p/0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f.jsonl');
    const child = place(dir, 'jazzyalex__agent-sessions__agent-a0ad4f44468bdf20d.jsonl', 'projects/-p/0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f/subagents/agent-a0ad4f44468bdf20d.jsonl');
    const a = await ingester.ingest(parent, 'claude-code');
    const b = await ingester.ingest(child, 'claude-code');
    expect(b.sessionId).toBe(a.sessionId);
    expect((db.sqlite.prepare(`SELECT count(*) AS n FROM sessions`).get() as { n: number }).n).toBe(1);
    const before = snapshot(db);
    // A re-read from scratch (as after the cursor is lost) adds nothing.
    db.sqlite.prepare(`DELETE FROM transcript_files`).run();
    await ingester.ingest(parent, 'claude-code');
    await ingester.ingest(child, 'claude-code');
    expect(snapshot(db)).toEqual(before);
  });
});

/** A deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('incremental reading', () => {
  const appendable = SAMPLES.filter((s) => s.source !== 'vscode-copilot' || s.fixture.endsWith('.jsonl'));
  for (const sample of appendable) {
    it(`gives the same rows for ${sample.fixture} written in random pieces as read at once`, async () => {
      const whole = setup();
      await whole.ingester.ingest(place(whole.dir, sample.fixture, sample.relative), sample.source);

      const pieces = setup();
      const bytes = fs.readFileSync(path.join(FIXTURES, sample.fixture));
      const file = path.join(pieces.dir, sample.relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '');
      const next = random(bytes.length);
      let at = 0;
      while (at < bytes.length) {
        const size = Math.max(1, Math.floor(next() * 4000));
        fs.appendFileSync(file, bytes.subarray(at, at + size));
        at += size;
        await pieces.ingester.ingest(file, sample.source);
      }
      expect(snapshot(pieces.db)).toEqual(snapshot(whole.db));
    });
  }

  it('waits for a partial last line, and reads it once its newline arrives', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'projects/-p/8c1b1a4e-0000-4000-8000-00000000000a.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = JSON.stringify({ type: 'user', uuid: 'u1', sessionId: 's', timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: 'hello there' } });
    fs.writeFileSync(file, line.slice(0, 40));
    const first = await ingester.ingest(file, 'claude-code');
    expect(db.sqlite.prepare(`SELECT count(*) AS n FROM messages`).get()).toEqual({ n: 0 });
    expect(first.problems).toBe(0);
    fs.appendFileSync(file, `${line.slice(40)}\n`);
    await ingester.ingest(file, 'claude-code');
    expect(db.sqlite.prepare(`SELECT text FROM messages`).all()).toEqual([{ text: 'hello there' }]);
  });

  it('reads a file again from the start when it shrank or was replaced, keeping what was read before', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'projects/-p/8c1b1a4e-0000-4000-8000-00000000000b.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const msg = (uuid: string, text: string) => `${JSON.stringify({ type: 'user', uuid, sessionId: 's', timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: text } })}\n`;
    fs.writeFileSync(file, msg('a', 'first prompt') + msg('b', 'second prompt'));
    await ingester.ingest(file, 'claude-code');
    // Truncated and rewritten shorter: read from 0.
    fs.writeFileSync(file, msg('c', 'after truncation'));
    await ingester.ingest(file, 'claude-code');
    // Replaced by a new file (a new inode) that happens to be longer.
    const replacement = `${file}.new`;
    fs.writeFileSync(replacement, msg('d', 'rotated in') + msg('e', 'rotated in too') + msg('f', 'and a third'));
    fs.renameSync(replacement, file);
    await ingester.ingest(file, 'claude-code');
    const texts = (db.sqlite.prepare(`SELECT text FROM messages ORDER BY text`).all() as { text: string }[]).map((r) => r.text);
    expect(texts).toEqual(['after truncation', 'and a third', 'first prompt', 'rotated in', 'rotated in too', 'second prompt']);
    // Deleting the source file deletes nothing that was read.
    fs.rmSync(file);
    expect((await ingester.ingest(file, 'claude-code')).outcome).toBe('gone');
    expect((db.sqlite.prepare(`SELECT count(*) AS n FROM messages`).get() as { n: number }).n).toBe(6);
  });

  it('applies only the new lines of an appended VS Code mutation log, and starts over when it is compacted', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'workspaceStorage/w/chatSessions/log.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const request = (i: number) => ({ requestId: `r${i}`, timestamp: 1_760_000_000_000 + i, message: { text: `question ${i}` }, response: [{ value: `answer ${i}` }] });
    fs.writeFileSync(file, `${JSON.stringify({ kind: 0, v: { version: 3, sessionId: 'log', requests: [request(0)] } })}\n`);
    await ingester.ingest(file, 'vscode-copilot');
    const append = `${JSON.stringify({ kind: 2, k: ['requests'], v: [request(1)] })}\n${JSON.stringify({ kind: 1, k: ['customTitle'], v: 'Two questions' })}\n`;
    fs.appendFileSync(file, append);
    const second = await ingester.ingest(file, 'vscode-copilot');
    expect(second.bytes).toBe(Buffer.byteLength(append));
    expect(db.sqlite.prepare(`SELECT text FROM messages ORDER BY sequence`).all()).toEqual([{ text: 'question 0' }, { text: 'answer 0' }, { text: 'question 1' }, { text: 'answer 1' }]);
    // VS Code compacts the log back to one snapshot line: a new file, read whole.
    const compacted = `${JSON.stringify({ kind: 0, v: { version: 3, sessionId: 'log', customTitle: 'Two questions', requests: [request(0), request(1), request(2)] } })}\n`;
    fs.writeFileSync(`${file}.tmp`, compacted);
    fs.renameSync(`${file}.tmp`, file);
    const third = await ingester.ingest(file, 'vscode-copilot');
    expect(third.bytes).toBe(Buffer.byteLength(compacted));
    expect((db.sqlite.prepare(`SELECT count(*) AS n FROM messages`).get() as { n: number }).n).toBe(6);
    expect(db.sqlite.prepare(`SELECT title FROM sessions`).get()).toEqual({ title: 'Two questions' });
  });

  it('reconciles a rewritten VS Code session by request: a grown answer replaces the old text, nothing doubles', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'workspaceStorage/w/chatSessions/s1.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const session = (answer: string, requests = 1) => ({
      version: 3,
      sessionId: 's1',
      creationDate: 1_760_000_000_000,
      requests: Array.from({ length: requests }, (_, i) => ({
        requestId: `request_${i}`,
        timestamp: 1_760_000_000_000 + i,
        message: { text: `question ${i}` },
        modelId: 'copilot/gpt-4o',
        response: [{ value: i === 0 ? answer : 'later answer' }],
        result: { usage: { promptTokens: 100, completionTokens: i === 0 ? answer.length : 5 } },
      })),
    });
    fs.writeFileSync(file, JSON.stringify(session('Partial')));
    await ingester.ingest(file, 'vscode-copilot');
    fs.writeFileSync(file, JSON.stringify(session('Partial answer, now complete', 2)));
    await ingester.ingest(file, 'vscode-copilot');
    expect(db.sqlite.prepare(`SELECT role, text FROM messages ORDER BY sequence`).all()).toEqual([
      { role: 'user', text: 'question 0' },
      { role: 'assistant', text: 'Partial answer, now complete' },
      { role: 'user', text: 'question 1' },
      { role: 'assistant', text: 'later answer' },
    ]);
    expect(db.sqlite.prepare(`SELECT sum(output_tokens) AS output, sum(responses) AS responses FROM usage_daily`).get()).toEqual({ output: 'Partial answer, now complete'.length + 5, responses: 2 });
    expect((db.sqlite.prepare(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'complete'`).get() as { n: number }).n).toBe(1);
  });
});

describe('bad input', () => {
  const claudeLine = (uuid: string, text: string) => `${JSON.stringify({ type: 'user', uuid, sessionId: 's', timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: text } })}\n`;

  function problems(db: DatabaseHandle, file: string): { offset: number; reason: string }[] {
    const row = db.sqlite.prepare(`SELECT problems FROM transcript_files WHERE path = ?`).get(file) as { problems: string };
    return JSON.parse(row.problems) as { offset: number; reason: string }[];
  }

  it('records a malformed line, an unknown line, a 50 MB line and binary junk as problems, and reads the rest', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'projects/-p/8c1b1a4e-0000-4000-8000-00000000000c.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const parts = [
      claudeLine('a', 'before the junk'),
      '{"type": "user", "message": \n',
      `${JSON.stringify({ hello: 'no type here' })}\n`,
      `${JSON.stringify({ type: 'user', uuid: 'big', message: { role: 'user', content: 'x'.repeat(50 * 1024 * 1024) } })}\n`,
      Buffer.concat([Buffer.from([0, 159, 146, 150, 255, 254, 1, 2]), Buffer.from('\n')]),
      claudeLine('b', 'after the junk'),
    ];
    const offsets: number[] = [];
    let at = 0;
    for (const p of parts) {
      offsets.push(at);
      at += Buffer.byteLength(p);
    }
    fs.writeFileSync(file, Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))));
    const result = await ingester.ingest(file, 'claude-code');
    expect(result.outcome).toBe('ingested');
    expect(db.sqlite.prepare(`SELECT text FROM messages ORDER BY sequence`).all()).toEqual([{ text: 'before the junk' }, { text: 'after the junk' }]);
    const found = problems(db, file);
    expect(found.map((p) => p.offset)).toEqual([offsets[1], offsets[2], offsets[3], offsets[4]]);
    expect(found[0]!.reason).toMatch(/malformed JSON/);
    expect(found[1]!.reason).toMatch(/no "type"/);
    expect(found[2]!.reason).toMatch(/longer than the 16 MB limit/);
    expect(found[3]!.reason).toMatch(/malformed JSON/);
    expect(db.sqlite.prepare(`SELECT status, problem_count FROM transcript_files WHERE path = ?`).get(file)).toEqual({ status: 'problem', problem_count: 4 });
  });

  it('records a file that cannot be read, and an unknown VS Code format, without stopping', async () => {
    const { db, ingester, dir } = setup();
    const unreadable = path.join(dir, 'projects/-p/8c1b1a4e-0000-4000-8000-00000000000d.jsonl');
    fs.mkdirSync(unreadable, { recursive: true }); // a folder where a file should be: reading fails
    expect((await ingester.ingest(unreadable, 'claude-code')).outcome).toBe('failed');
    expect(problems(db, unreadable)[0]!.reason).toMatch(/cannot read the file/);
    const odd = path.join(dir, 'workspaceStorage/w/chatSessions/odd.json');
    fs.mkdirSync(path.dirname(odd), { recursive: true });
    fs.writeFileSync(odd, JSON.stringify(['not', 'a', 'session']));
    expect((await ingester.ingest(odd, 'vscode-copilot')).outcome).toBe('failed');
    expect(problems(db, odd)[0]!.reason).toMatch(/not a JSON object/);
  });

  it('retries a half-written VS Code file instead of recording it as deleted', async () => {
    const { db, ingester, dir } = setup();
    const file = path.join(dir, 'workspaceStorage/w/chatSessions/half.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const full = JSON.stringify({ version: 3, sessionId: 'half', requests: [{ requestId: 'r1', message: { text: 'a finished question' }, response: [] }] });
    fs.writeFileSync(file, full.slice(0, full.length / 2));
    expect((await ingester.ingest(file, 'vscode-copilot')).outcome).toBe('partial');
    expect(db.sqlite.prepare(`SELECT status FROM transcript_files WHERE path = ?`).get(file)).toEqual({ status: 'retrying' });
    fs.writeFileSync(file, full);
    expect((await ingester.ingest(file, 'vscode-copilot')).outcome).toBe('ingested');
    expect(db.sqlite.prepare(`SELECT text FROM messages`).all()).toEqual([{ text: 'a finished question' }]);
  });
});
