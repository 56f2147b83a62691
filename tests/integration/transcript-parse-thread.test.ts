import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { inThreadLines, type LineBatch, type LineBatches, type LineRequest } from '../../src-main/transcripts/line-batches';
import type { ParseReply } from '../../src-main/transcripts/parse-protocol';
import { lineParserOf } from '../../src-main/transcripts/parsers/line-parsers';
import { ParseThread } from '../../src-main/transcripts/parse-thread';
import { workerScanHandle } from '../../src-main/transcripts/scan-launcher';
import type { ScanWorkerData } from '../../src-main/transcripts/scan-worker';
import type { IngestResult } from '../../src-main/transcripts/transcript-ingester';
import { scanTranscripts, type ScanOptions } from '../../src-main/transcripts/transcript-scanner';
import type { TranscriptRoot } from '../../src-main/transcripts/transcript-sources';
import { writeClaudeSession, type ClaudeTurn } from '../helpers/claude-lines';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { closeTranscriptDbs, place, scanRows, transcriptDb, type TranscriptDb } from '../helpers/transcript-db';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { poller } from '../helpers/wait';
import { PARSE_WORKER, workerFromSource } from '../helpers/worker-from-source';

// A first scan that parses its line files on a second thread writes what one that parses them on its
// own thread writes, to the row, cursor, parser state and problem; it stops and fails the same way.

const MB = 1024 * 1024;
const DAY = Date.parse('2026-03-01T09:00:00Z');
const HOUR = 3_600_000;
const until = poller({ timeoutMs: 20_000, intervalMs: 20 });

const threads: ParseThread[] = [];
afterEach(async () => {
  for (const thread of threads.splice(0)) await thread.dispose();
  closeTranscriptDbs();
});
afterAll(removeTempDirs);

/** A parse thread on the real worker (from source), with every reply it sends counted and its exit seen. */
function parseThread(onReply: (reply: ParseReply, worker: Worker) => void = () => {}) {
  const seen = { batches: 0, exited: false };
  const thread = new ParseThread(() => {
    const worker = workerFromSource('src-main/transcripts/parse-worker.ts');
    worker.on('message', (reply: ParseReply) => {
      if (reply.type === 'batch') seen.batches += 1;
      onReply(reply, worker);
    });
    worker.once('exit', () => (seen.exited = true));
    return worker;
  });
  threads.push(thread);
  return { thread, seen };
}

function turns(count: number, words: number, tag: string): ClaudeTurn[] {
  const filler = Array.from({ length: words }, (_, i) => `${tag}${i % 97}`).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    prompt: `question ${i} about ${tag}: ${filler}`,
    answer: `answer ${i}: ${filler}`,
    tool: { name: 'Bash', input: { command: `grep -rn ${tag}${i} src` }, output: `src/a.ts:${i}: ${filler}` },
    usage: { input: 10 + i, output: 5 + (i % 7), cacheRead: 100 * i, cacheWrite: 7 },
  }));
}

function touch(file: string, at: number): void {
  fs.utimesSync(file, new Date(at), new Date(at));
}

/**
 * A history of every kind of line file: Claude Code sessions of 12 MB (three batches and a part), with a
 * malformed line, a 17 MB line (past the 16 MB limit), a last line without its newline that is whole
 * JSON and one cut short; a subagent file; small sessions; a Codex rollout, a Gemini chat log and a
 * Gemini whole-file chat. Every file quiet for an hour or more, each at its own time (newest read first).
 */
function writeCorpus(home: string): TranscriptRoot[] {
  const projects = path.join(home, '.claude', 'projects');
  const files: string[] = [];
  const big = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-000000000001', '/work/big', DAY, turns(1500, 400, 'heliotrope'));
  fs.appendFileSync(big, '{"type":"user", "message": {"role": "user", "content": "cut\n');
  fs.appendFileSync(big, `${JSON.stringify({ type: 'user', sessionId: '5a1e0000-0000-4000-8000-000000000001', uuid: 'huge', timestamp: new Date(DAY).toISOString(), message: { role: 'user', content: 'x'.repeat(17 * MB) } })}\n`);
  const tail = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-000000000002', '/work/big', DAY + HOUR, turns(300, 200, 'saffron'));
  fs.appendFileSync(tail, JSON.stringify({ type: 'user', sessionId: '5a1e0000-0000-4000-8000-000000000002', uuid: 'last', timestamp: new Date(DAY + 2 * HOUR).toISOString(), message: { role: 'user', content: 'a last line without its newline' } }));
  const cut = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-000000000003', '/work/small', DAY + 2 * HOUR, turns(40, 20, 'umber'));
  fs.appendFileSync(cut, '{"type":"assistant","message":{"id":"msg_cut","role":"assist');
  files.push(big, tail, cut);
  for (let i = 4; i < 9; i++) files.push(writeClaudeSession(projects, `5a1e0000-0000-4000-8000-00000000000${i}`, `/work/project-${i % 3}`, DAY + i * HOUR, turns(20 + i, 30, `ochre${i}`)));
  const claudeId = '0f38c15d-fbfb-4183-90d6-e2d00cf2844d';
  files.push(place(projects, `real-cli__claude-code__${claudeId}.jsonl`, `-demo/${claudeId}.jsonl`));
  files.push(place(projects, `real-cli__claude-code__${claudeId}__subagents__agent-ad6d2f646186ff6f8.jsonl`, `-demo/${claudeId}/subagents/agent-ad6d2f646186ff6f8.jsonl`));
  const codexName = 'rollout-2026-11-30T20-04-58-01a22e0f-85ab-74b2-a2f2-440f832b27b0.jsonl';
  files.push(place(path.join(home, '.codex', 'sessions'), `real-cli__codex__${codexName}`, `2026/11/30/${codexName}`));
  const gemini = path.join(home, '.gemini', 'tmp');
  files.push(place(gemini, 'jazzyalex__agent-sessions__jsonl_v040.jsonl', '0b7dfb1274ee51b336813b17f2ddab1f56b6591f723e7314126bbd502c69e9c9/chats/session-2026-04-29T21-39-gemini_s.jsonl'));
  files.push(place(gemini, 'git-ai-project__git-ai__gemini-session-simple.json', '28be4f5feb651b48879e1281570b925ec19d4e00cd5aa13d3b3f17fe9efd858d/chats/session-2025-12-06T18-25-18f475c0.json'));
  // Interleaved in time: the scan moves between sources and sizes.
  files.forEach((file, i) => touch(file, DAY + ((i * 7 + 4) % files.length) * 60_000));
  return [
    { source: 'claude-code', path: projects },
    { source: 'codex', path: path.join(home, '.codex', 'sessions') },
    { source: 'gemini', path: gemini },
  ];
}

/** Scans; answers what happened to each file, in the order read (less the session's row id, which each database makes up). */
async function scan(t: TranscriptDb, roots: TranscriptRoot[], options: ScanOptions = {}): Promise<Omit<IngestResult, 'sessionId'>[]> {
  const results: Omit<IngestResult, 'sessionId'>[] = [];
  await scanTranscripts(roots, t.ingester, () => {}, { ...options, onFile: ({ sessionId: _, ...r }) => results.push(r) });
  return results;
}

/** A first read of a Claude Code file. */
function firstRead(file: string): LineRequest {
  const parser = lineParserOf('claude-code');
  const stat = fs.statSync(file);
  return { file, source: 'claude-code', offset: 0, state: parser.initialState(parser.sessionIdFromPath(file), file), size: stat.size, mtimeMs: stat.mtimeMs };
}

async function all(batches: LineBatches): Promise<LineBatch[]> {
  const read: LineBatch[] = [];
  for await (const batch of batches) read.push(batch);
  return read;
}

describe('a parse thread', () => {
  it('runs two batches ahead of a writer that takes none, and a file given up gives back the credits of its unread batches', async () => {
    const projects = path.join(tempDir('pitwall-parse-home-'), '.claude', 'projects');
    const file = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000c1', '/work/c', DAY, turns(2000, 400, 'cobalt'));
    touch(file, DAY);
    expect(fs.statSync(file).size).toBeGreaterThan(5 * 4 * MB);
    const { thread, seen } = parseThread();

    const given = thread.open(firstRead(file));
    await until(() => seen.batches >= 2, 'two batches');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.batches).toBe(2);
    given.cancel();

    // Were the two credits lost, the thread could send nothing more and this would never end.
    const read = await all(thread.open(firstRead(file)));
    expect(read).toEqual(await all(inThreadLines.open(firstRead(file))));
    expect(read.length).toBeGreaterThan(5);
  }, 60_000);
});

describe('a first scan with a parse thread', () => {
  it('writes exactly the rows, cursors, parser states and problems that a scan parsing in its own thread writes', async () => {
    const home = tempDir('pitwall-parse-home-');
    const roots = writeCorpus(home);
    const here = transcriptDb();
    const hereResults = await scan(here, roots);
    const { thread, seen } = parseThread();
    const there = transcriptDb();
    const thereResults = await scan(there, roots, { lines: thread });

    expect(thereResults).toEqual(hereResults);
    const expected = scanRows(here.db);
    expect(scanRows(there.db)).toEqual(expected);

    // What was compared is what the corpus was made to hold.
    expect(hereResults.map((r) => r.outcome)).toEqual(Array.from({ length: 13 }, () => 'ingested'));
    const files = expected.files as { path: string; size: number; offset: number; status: string; problems: string }[];
    const big = files.find((f) => f.path.endsWith('000000000001.jsonl'))!;
    expect(big.size).toBeGreaterThan(29 * MB);
    expect(big.offset).toBe(big.size);
    expect(JSON.parse(big.problems)).toEqual([
      { offset: expect.any(Number), reason: expect.stringMatching(/^malformed JSON: /) },
      { offset: expect.any(Number), reason: expect.stringMatching(/^line of \d+ bytes is longer than the 16 MB limit; skipped$/) },
    ]);
    expect(files.find((f) => f.path.endsWith('000000000002.jsonl'))).toMatchObject({ problems: '[]' });
    expect(JSON.parse(files.find((f) => f.path.endsWith('000000000003.jsonl'))!.problems)).toEqual([expect.objectContaining({ reason: expect.stringContaining('has no newline and is not complete JSON') })]);
    expect((expected.messages as { text: string }[]).some((m) => m.text === 'a last line without its newline')).toBe(true);
    expect(new Set(files.map((f) => f.path.split('.').pop()))).toEqual(new Set(['jsonl', 'json']));
    // And it came from the parse thread: the 29 MB file alone is eight batches.
    expect(seen.batches).toBeGreaterThan(12);
  }, 120_000);

  it('asks the parse thread for the files in the order it writes them, also when some take longer to prepare (appended files are checked for replacement)', async () => {
    const home = tempDir('pitwall-parse-home-');
    const projects = path.join(home, '.claude', 'projects');
    const roots: TranscriptRoot[] = [{ source: 'claude-code', path: projects }];
    const id = (n: number) => `5a1e0000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
    const appended = [1, 3, 5, 7, 9, 11].map((n) => writeClaudeSession(projects, id(n), '/work/d', DAY, turns(10, 10, `old${n}`)));
    const here = transcriptDb();
    const there = transcriptDb();
    await scan(here, roots);
    await scan(there, roots);
    // Newest first: an appended file (its prepare reads its head again), then a new one, and so on.
    appended.forEach((file, i) => {
      fs.appendFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('"question ', '"again '));
      touch(file, DAY + (12 - 2 * i) * HOUR);
      touch(writeClaudeSession(projects, id(2 * i + 2), '/work/d', DAY, turns(10, 10, `new${i}`)), DAY + (11 - 2 * i) * HOUR);
    });
    await scan(here, roots);
    const { thread } = parseThread();
    const opened: string[] = [];
    const results = await scan(there, roots, { lines: { open: (request) => (opened.push(request.file), thread.open(request)) } });
    expect(results.map((r) => r.outcome)).toEqual(Array.from({ length: 12 }, () => 'ingested'));
    expect(opened).toEqual(results.map((r) => r.path));
    expect(scanRows(there.db)).toEqual(scanRows(here.db));
  }, 30_000);

  it('stopped midway leaves the parse thread idle, and the next scan with it finishes without duplicates', async () => {
    const home = tempDir('pitwall-parse-home-');
    const projects = path.join(home, '.claude', 'projects');
    const roots: TranscriptRoot[] = [{ source: 'claude-code', path: projects }];
    // Newest first: a small file, then a 40 MB one (ten batches) the parse thread starts on while the small one is written.
    touch(writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000a1', '/work/a', DAY, turns(10, 10, 'first')), DAY + 2 * HOUR);
    touch(writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000a2', '/work/a', DAY, turns(2000, 400, 'second')), DAY + HOUR);
    touch(writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000a3', '/work/b', DAY, turns(30, 10, 'third')), DAY);
    const t = transcriptDb();
    await scan(t, roots);
    const { thread, seen } = parseThread();
    let stop = false;
    const stopped = transcriptDb();
    const done: IngestResult[] = [];
    await scanTranscripts(roots, stopped.ingester, () => {}, {
      lines: thread,
      shouldStop: () => stop,
      onFile: (r) => {
        done.push(r);
        stop = true;
      },
    });
    expect(done.map((r) => r.outcome)).toEqual(['ingested']);
    const sent = seen.batches;
    // The big file's read was given up: once what was on its way has come, the thread sends nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seen.batches - sent).toBeLessThanOrEqual(3);
    expect(stopped.db.sqlite.prepare(`SELECT count(*) AS n FROM transcript_files`).get()).toEqual({ n: 1 });

    // The same thread, idle, reads the rest on the next scan, and it all comes out as one scan's rows.
    stop = false;
    const rest = await scan(stopped, roots, { lines: thread });
    expect(rest.map((r) => r.outcome)).toEqual(['unchanged', 'ingested', 'ingested']);
    expect(scanRows(stopped.db)).toEqual(scanRows(t.db));
    expect(seen.exited).toBe(false);
    await thread.dispose();
    expect(seen.exited).toBe(true);
  }, 120_000);

  it('gives files that cannot be read (one turned into a folder, one removed, after the listing) the outcome a scan in its own thread gives', async () => {
    const outcomes = async (lines: ParseThread | undefined) => {
      const home = tempDir('pitwall-parse-home-');
      const projects = path.join(home, '.claude', 'projects');
      const folder = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000b1', '/work/a', DAY, turns(10, 10, 'folder'));
      const removed = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000b2', '/work/a', DAY, turns(10, 10, 'removed'));
      const kept = writeClaudeSession(projects, '5a1e0000-0000-4000-8000-0000000000b3', '/work/a', DAY, turns(10, 10, 'kept'));
      [folder, removed, kept].forEach((file, i) => touch(file, DAY - i * HOUR));
      const t = transcriptDb();
      const results: Omit<IngestResult, 'sessionId'>[] = [];
      let listed = false;
      await scanTranscripts([{ source: 'claude-code', path: projects }], t.ingester, () => {
        // The first progress comes once the files are listed, before any is read.
        if (listed) return;
        listed = true;
        fs.rmSync(folder);
        fs.mkdirSync(folder);
        fs.rmSync(removed);
      }, { ...(lines ? { lines } : {}), onFile: ({ sessionId: _, ...r }) => results.push(r) });
      const rows = scanRows(t.db);
      const relative = (p: string) => path.relative(home, p);
      return {
        results: results.map((r) => ({ ...r, path: relative(r.path) })),
        files: (rows.files as { path: string; status: string; offset: number; problems: string; problem_count: number }[]).map((f) => ({ path: relative(f.path), status: f.status, offset: f.offset, problems: f.problems, count: f.problem_count })),
        messages: rows.messages.length,
      };
    };
    const here = await outcomes(undefined);
    expect(here.results.map((r) => r.outcome)).toEqual(['failed', 'gone', 'ingested']);
    expect(here.files[0]).toMatchObject({ status: 'problem', problems: expect.stringContaining('cannot read the file: EISDIR') });
    const { thread } = parseThread();
    expect(await outcomes(thread)).toEqual(here);
  }, 120_000);

  it('fails only the file being parsed when the parse thread dies, with that as its problem, and parses the rest in its own thread', async () => {
    const home = tempDir('pitwall-parse-home-');
    const roots = writeCorpus(home);
    const here = transcriptDb();
    await scan(here, roots);
    let killed = false;
    // Killed on the first batch of the 29 MB file (the only one past 4 MB): it is read midway, the files before it are read.
    const { thread } = parseThread((reply, worker) => {
      if (killed || reply.type !== 'batch' || reply.batch.end < 4 * MB) return;
      killed = true;
      void worker.terminate();
    });
    const there = transcriptDb();
    const results = await scan(there, roots, { lines: thread });
    expect(killed).toBe(true);
    const failed = results.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => path.basename(r.path))).toEqual(['5a1e0000-0000-4000-8000-000000000001.jsonl']);
    expect(results.filter((r) => r.outcome === 'ingested')).toHaveLength(12);
    const files = (rows: ReturnType<typeof scanRows>) => (rows.files as { path: string }[]).filter((f) => f.path !== failed[0]!.path);
    expect(files(scanRows(there.db))).toEqual(files(scanRows(here.db)));
    const cursor = there.db.sqlite.prepare(`SELECT status, problems FROM transcript_files WHERE path = ?`).get(failed[0]!.path) as { status: string; problems: string };
    expect(cursor.status).toBe('problem');
    expect(JSON.parse(cursor.problems)).toContainEqual({ offset: expect.any(Number), reason: 'cannot read the file: the parse thread stopped (exit code 1)' });
  }, 120_000);

  it("is what the app's scan worker parses line files on when its data names the parse worker", async () => {
    const home = tempDir('pitwall-parse-home-');
    const roots = writeCorpus(home);
    const here = transcriptDb();
    await scan(here, roots);
    // The parse worker from source, behind a preload that notes each file it is asked for.
    const asked = path.join(home, 'asked.txt');
    const preload = path.join(home, 'note-requests.cjs');
    fs.writeFileSync(
      preload,
      `require(${JSON.stringify(PARSE_WORKER.preload)});
      require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'parse') require('node:fs').appendFileSync(${JSON.stringify(asked)}, m.request.file + '\\n'); });`,
    );
    const dbFile = path.join(tempDir('pitwall-parse-data-'), 'pitwall.db');
    const data: ScanWorkerData = { dbFile, migrationsDir: MIGRATIONS_DIR, nativeBinding: null, roots, timeZone: 'UTC', parseWorker: { ...PARSE_WORKER, preload } };
    const handle = workerScanHandle(workerFromSource('src-main/transcripts/scan-worker.ts', { workerData: data }));
    const exited = new Promise<Error | null>((resolve) => handle.onExit(resolve));
    const errors: string[] = [];
    handle.onMessage((m) => m.type === 'error' && errors.push(m.message));
    expect(await exited).toBeNull();
    expect(errors).toEqual([]);

    const lineFiles = (scanRows(here.db).files as { path: string }[]).map((f) => f.path).filter((f) => f.endsWith('.jsonl'));
    expect(lineFiles).toHaveLength(12);
    expect(fs.readFileSync(asked, 'utf8').trim().split('\n').sort()).toEqual(lineFiles.sort());
    const db = openDatabase({ file: dbFile, migrationsDir: MIGRATIONS_DIR });
    try {
      expect(scanRows(db)).toEqual(scanRows(here.db));
    } finally {
      db.close();
    }
  }, 120_000);
});
