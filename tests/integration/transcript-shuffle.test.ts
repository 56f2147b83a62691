import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import type { TranscriptSourceId } from '../../src-main/transcripts/parsed';
import { removeTempDirs } from '../helpers/temp-dir';
import { closeTranscriptDbs, FIXTURES, transcriptDb, type TranscriptDb } from '../helpers/transcript-db';

// Every transcript fixture, fed in a shuffled order, some whole, some in random pieces, some rewritten
// (in place, or as a new file without one of its lines) and some copied under another name, must give
// the same sessions, counts and usage as reading each file once. The randomness is seeded; a failure
// names its seed (PITWALL_SHUFFLE_SEED=<n> replays one).

afterEach(closeTranscriptDbs);
afterAll(removeTempDirs);

interface Placed {
  fixture: string;
  source: TranscriptSourceId;
  /** Where the agent keeps it, relative to the roots folder. */
  relative: string;
  /** Where a copy under another name goes (the same session, by the ids inside). */
  copy: string;
}

const H = '28be4f5feb651b48879e1281570b925ec19d4e00cd5aa13d3b3f17fe9efd858d';
const FILES: Placed[] = [
  { fixture: 'git-ai-project__git-ai__example-claude-code.jsonl', source: 'claude-code', relative: 'claude/-Users-a-ghq/cb947e5b-246e-4253-a953-631f7e464c6b.jsonl', copy: 'claude/-Users-a-ghq/aaaaaaaa-0000-4000-8000-000000000001.jsonl' },
  { fixture: 'marot__spotter__subagent.jsonl', source: 'claude-code', relative: 'claude/-home-marco-projects-spotter/491e126e-1e71-469c-ade2-fcc8af567c74.jsonl', copy: 'claude/-home-marco-projects-spotter/aaaaaaaa-0000-4000-8000-000000000002.jsonl' },
  { fixture: 'git-ai-project__git-ai__claude-code-with-thinking.jsonl', source: 'claude-code', relative: 'claude/-Users-s-testing/dac34307-159f-4fcd-9c21-35210246ad38.jsonl', copy: 'claude/-Users-s-testing/aaaaaaaa-0000-4000-8000-000000000003.jsonl' },
  { fixture: 'jazzyalex__agent-sessions__0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f.jsonl', source: 'claude-code', relative: 'claude/-p/0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f.jsonl', copy: 'claude/-p/aaaaaaaa-0000-4000-8000-000000000004.jsonl' },
  { fixture: 'jazzyalex__agent-sessions__agent-a0ad4f44468bdf20d.jsonl', source: 'claude-code', relative: 'claude/-p/0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f/subagents/agent-a0ad4f44468bdf20d.jsonl', copy: 'claude/-p/0a1b2c3d-4e5f-4061-8071-2a3b4c5d6e7f/subagents/agent-copy.jsonl' },
  { fixture: 'real-cli__claude-code__0f38c15d-fbfb-4183-90d6-e2d00cf2844d.jsonl', source: 'claude-code', relative: 'claude/-demo/0f38c15d-fbfb-4183-90d6-e2d00cf2844d.jsonl', copy: 'claude/-demo/aaaaaaaa-0000-4000-8000-000000000005.jsonl' },
  { fixture: 'real-cli__claude-code__0f38c15d-fbfb-4183-90d6-e2d00cf2844d__subagents__agent-ad6d2f646186ff6f8.jsonl', source: 'claude-code', relative: 'claude/-demo/0f38c15d-fbfb-4183-90d6-e2d00cf2844d/subagents/agent-ad6d2f646186ff6f8.jsonl', copy: 'claude/-demo/0f38c15d-fbfb-4183-90d6-e2d00cf2844d/subagents/agent-copy.jsonl' },
  { fixture: 'git-ai-project__git-ai__codex-session-simple.jsonl', source: 'codex', relative: 'codex/2026/02/11/rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl', copy: 'codex/2026/02/12/rollout-2026-02-12T05-53-33-0199cccc-0000-7000-8000-000000000001.jsonl' },
  { fixture: 'codex__jazzyalex__agent-sessions__small.jsonl', source: 'codex', relative: 'codex/2026/08/03/rollout-2026-08-03T10-00-00-019fc8be-3658-7ca3-9e29-000000000000.jsonl', copy: 'codex/2026/08/04/rollout-2026-08-04T10-00-00-0199cccc-0000-7000-8000-000000000002.jsonl' },
  { fixture: 'real-cli__codex__rollout-2026-11-30T20-04-58-01a22e0f-85ab-74b2-a2f2-440f832b27b0.jsonl', source: 'codex', relative: 'codex/2026/11/30/rollout-2026-11-30T20-04-58-01a22e0f-85ab-74b2-a2f2-440f832b27b0.jsonl', copy: 'codex/2026/12/01/rollout-2026-12-01T20-04-58-0199cccc-0000-7000-8000-000000000003.jsonl' },
  { fixture: 'git-ai-project__git-ai__copilot_session_simple.json', source: 'vscode-copilot', relative: 'vscode/workspaceStorage/0123456789abcdef0123456789abcdef/chatSessions/331fed7f-cfd6-409c-8502-06a56322b636.json', copy: 'vscode/workspaceStorage/fedcba9876543210fedcba9876543210/chatSessions/331fed7f-cfd6-409c-8502-06a56322b636.json' },
  { fixture: 'git-ai-project__git-ai__copilot_session_multiline.jsonl', source: 'vscode-copilot', relative: 'vscode/workspaceStorage/0123456789abcdef0123456789abcdef/chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl', copy: 'vscode/workspaceStorage/fedcba9876543210fedcba9876543210/chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl' },
  { fixture: 'git-ai-project__git-ai__gemini-session-simple.json', source: 'gemini', relative: `gemini/${H}/chats/session-2025-12-06T18-25-18f475c0.json`, copy: `gemini/${H}/chats/session-2025-12-07T18-25-copy.json` },
  { fixture: 'jazzyalex__agent-sessions__jsonl_v040.jsonl', source: 'gemini', relative: 'gemini/0b7dfb1274ee51b336813b17f2ddab1f56b6591f723e7314126bbd502c69e9c9/chats/session-2026-04-29T21-39-gemini_s.jsonl', copy: 'gemini/0b7dfb1274ee51b336813b17f2ddab1f56b6591f723e7314126bbd502c69e9c9/chats/session-2026-04-30T21-39-copy.jsonl' },
];

/** Seeded PRNG (mulberry32): a seed replays a run exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a person sees of the store, without the ids and times a run makes anew. */
function snapshot(db: DatabaseHandle, root: string): unknown {
  const sessions = db.sqlite
    .prepare(
      `SELECT s.agent_kind, s.external_id, s.title, s.cwd, s.models, s.started_at, s.ended_at, s.transcript_path,
         (SELECT json_group_object(k, n) FROM (SELECT role || '/' || kind AS k, count(*) AS n FROM messages WHERE session_id = s.id GROUP BY k)) AS messages,
         (SELECT count(DISTINCT external_id) FROM tool_calls WHERE session_id = s.id) AS calls,
         (SELECT count(*) FROM tool_calls WHERE session_id = s.id AND status != 'called') AS answered,
         (SELECT json_array(count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens)) FROM usage_records WHERE session_id = s.id) AS usage
       FROM sessions s ORDER BY s.agent_kind, s.external_id`,
    )
    .all() as { models: string; transcript_path: string }[];
  return {
    sessions: sessions.map((s) => ({ ...s, models: (JSON.parse(s.models) as string[]).sort(), transcript_path: path.relative(root, s.transcript_path) })),
    daily: db.sqlite.prepare(`SELECT day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses FROM usage_daily ORDER BY day, agent_kind, model`).all(),
    messageTexts: db.sqlite.prepare(`SELECT count(*) AS n, count(DISTINCT session_id || external_id) AS keys FROM messages`).get(),
    // The totals History reads, kept by the write side (row by row, or counted after a bulk scan).
    counts: db.sqlite.prepare(`SELECT s.agent_kind, s.external_id, c.messages, c.tool_calls FROM session_counts c JOIN sessions s ON s.id = c.session_id ORDER BY 1, 2`).all(),
    totals: db.sqlite
      .prepare(
        `SELECT s.agent_kind, s.external_id, u.model, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.responses
         FROM session_usage u JOIN sessions s ON s.id = u.session_id WHERE u.responses > 0 ORDER BY 1, 2, 3`,
      )
      .all(),
  };
}

/** Sessions and models whose usage days (bounds: they only widen) leave out a day their records are on. */
function daysOutOfBounds(db: DatabaseHandle): unknown[] {
  return db.sqlite
    .prepare(
      `SELECT r.session_id, r.model, min(r.day) AS first, max(r.day) AS last, u.first_day, u.last_day FROM usage_records r
       LEFT JOIN session_usage u ON u.session_id = r.session_id AND u.model = r.model GROUP BY r.session_id, r.model
       HAVING u.first_day IS NULL OR u.first_day > min(r.day) OR u.last_day < max(r.day)`,
    )
    .all();
}

function rootOf(t: TranscriptDb): string {
  return path.join(t.dir, 'roots');
}

async function readEach(t: TranscriptDb, order: Placed[], write: (p: Placed, file: string) => Promise<void>): Promise<void> {
  for (const p of order) {
    const file = path.join(rootOf(t), p.relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await write(p, file);
  }
}

/** Replaces a file by a new one (a new inode), as editors and agents rewrite files. */
function replace(file: string, content: Buffer | string): void {
  fs.writeFileSync(`${file}.new`, content);
  fs.renameSync(`${file}.new`, file);
}

describe('every transcript fixture, in any order, rewritten and copied', () => {
  it('gives the same sessions, counts and usage as reading each file once', async () => {
    const baseline = transcriptDb();
    await readEach(baseline, FILES, async (p, file) => {
      fs.copyFileSync(path.join(FIXTURES, p.fixture), file);
      await baseline.ingester.ingest(file, p.source);
    });
    const expected = snapshot(baseline.db, rootOf(baseline));
    // Five Claude Code sessions (two with a subagent file), three Codex, two VS Code, two Gemini.
    expect((expected as { sessions: unknown[] }).sessions.length).toBe(12);

    const seeds = process.env.PITWALL_SHUFFLE_SEED ? [Number(process.env.PITWALL_SHUFFLE_SEED)] : Array.from({ length: 8 }, (_, i) => 1000 + i * 7919);
    for (const seed of seeds) {
      const t = transcriptDb();
      const log = await readShuffled(t, seed);
      expect(snapshot(t.db, rootOf(t)), `seed ${seed} (PITWALL_SHUFFLE_SEED=${seed}):\n${log.join('\n')}`).toEqual(expected);
      expect(daysOutOfBounds(t.db)).toEqual([]);
    }
  });

  it('gives the same totals when a bulk scan defers them and counts them midway and at the end', async () => {
    const baseline = transcriptDb();
    await readEach(baseline, FILES, async (p, file) => {
      fs.copyFileSync(path.join(FIXTURES, p.fixture), file);
      await baseline.ingester.ingest(file, p.source);
    });
    const expected = snapshot(baseline.db, rootOf(baseline));
    expect((expected as { counts: unknown[] }).counts.length).toBe(12);
    for (const seed of [2024, 7331]) {
      const t = transcriptDb();
      const pragmas = () => ['cache_size', 'wal_autocheckpoint', 'temp_store'].map((name) => t.db.sqlite.pragma(name, { simple: true }));
      const own = pragmas();
      t.store.beginBulk();
      // Temporary data (statement journals) stays in memory while writing in bulk.
      expect(t.db.sqlite.pragma('temp_store', { simple: true })).toBe(2);
      const log = await readShuffled(t, seed, FILES.length / 2);
      t.store.endBulk();
      expect(pragmas()).toEqual(own);
      expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM session_totals_pending`).get()).toEqual({ n: 0 });
      expect(snapshot(t.db, rootOf(t)), `seed ${seed}:\n${log.join('\n')}`).toEqual(expected);
      expect(daysOutOfBounds(t.db)).toEqual([]);
    }
  });
});

/**
 * Reads every fixture into `t` in an order and a way (whole, in pieces, rewritten, copied) drawn from
 * `seed`; answers what it did. After `catchUpAfter` files, the work a bulk scan defers is done once.
 */
async function readShuffled(t: TranscriptDb, seed: number, catchUpAfter = -1): Promise<string[]> {
  const next = random(seed);
  const order = [...FILES].sort(() => next() - 0.5);
  const log: string[] = [];
  await readEach(t, order, async (p, file) => {
    if (log.length === catchUpAfter) t.store.catchUp(true);
    const bytes = fs.readFileSync(path.join(FIXTURES, p.fixture));
    const lines = p.fixture.endsWith('.jsonl');
    const mode = ['whole', 'pieces', 'rewrite', 'drop-line', 'copy'][Math.floor(next() * 5)]!;
    log.push(`${mode} ${p.fixture}`);
    if (mode === 'pieces' && lines) {
      fs.writeFileSync(file, '');
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * 6000);
        fs.appendFileSync(file, bytes.subarray(at, at + size));
        at += size;
        await t.ingester.ingest(file, p.source);
      }
      return;
    }
    fs.writeFileSync(file, bytes);
    await t.ingester.ingest(file, p.source);
    if (mode === 'rewrite') {
      replace(file, bytes);
      await t.ingester.ingest(file, p.source);
    } else if (mode === 'drop-line' && lines && p.source !== 'vscode-copilot') {
      // Rewritten without one of its lines (never the first two, which say whose session it is): what was read stays.
      const all = bytes.toString('utf8').split('\n');
      const drop = 2 + Math.floor(next() * Math.max(1, all.length - 3));
      replace(file, [...all.slice(0, drop), ...all.slice(drop + 1)].join('\n'));
      await t.ingester.ingest(file, p.source);
    } else if (mode === 'copy') {
      const copy = path.join(rootOf(t), p.copy);
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.writeFileSync(copy, bytes);
      // A stale copy: older than the file it was copied from.
      const stale = new Date(fs.statSync(file).mtimeMs - 3_600_000);
      fs.utimesSync(copy, stale, stale);
      await t.ingester.ingest(copy, p.source);
    }
  });
  return log;
}

