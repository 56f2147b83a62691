import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { scanTranscripts } from '../../src-main/transcripts/transcript-scanner';
import { defaultTranscriptRoots } from '../../src-main/transcripts/transcript-sources';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { closeTranscriptDbs, transcriptDb, usageTotals } from '../helpers/transcript-db';

// ccusage's own test cases, written into the layouts the agents write (a Claude Code project folder,
// Codex's dated sessions folder), scanned by Pitwall, and checked against the totals ccusage's tests
// assert. Inputs and totals are taken from ryoppippi/ccusage (MIT):
//   CLAUDE = apps/ccusage/src/adapter/claude/data-loader.ts @ fa95686f618d6f91f59aa64eb9107d712eced268 (its in-source tests)
//   CODEX  = apps/codex/src/data-loader.ts @ 528051512c9f046a5d5bded28a596e6b9b8fd2a6 (its in-source tests)
//   LOADER = rust/crates/ccusage/src/adapter/codex/loader.rs @ 5816e640e8824986f33427203da164b01394a161 (tests module)
//   AGGREGATE = rust/crates/ccusage/src/adapter/codex/aggregate.rs @ 5816e640e8824986f33427203da164b01394a161
//   DAILY = rust/crates/ccusage/src/adapter/claude/daily.rs @ 5816e640e8824986f33427203da164b01394a161
//   SNAPSHOTS = apps/ccusage/test/snapshots/cli-output/ and apps/ccusage/test/cli-output.test.ts @ fa95686f618d6f91f59aa64eb9107d712eced268
// As in ccusage's fixtures, files end without a newline. Every case is scanned twice, newest file first
// and oldest file first: the answer must not depend on the order.

afterEach(closeTranscriptDbs);
afterAll(removeTempDirs);

/** A day's tokens as ccusage's Claude report counts them. */
interface ClaudeDay {
  input: number;
  output: number;
  cacheCreation?: number;
  cacheRead?: number;
}
/** A day's tokens as ccusage's Codex report counts them: input includes the cached part. */
interface CodexDay {
  input: number;
  cached: number;
  output: number;
}

interface Case {
  name: string;
  /** Where in ccusage the inputs and the asserted totals are. */
  source: string;
  /** Files under the home folder: path -> lines (each as written, joined with newlines, no final newline). */
  files: Record<string, unknown[]>;
  /** The environment the agents' folders are found through (CLAUDE_CONFIG_DIR); paths relative to home. */
  env?: Record<string, string>;
  timeZone?: string;
  /** ccusage's daily totals. */
  claude?: Record<string, ClaudeDay>;
  codex?: Record<string, CodexDay>;
  /** ccusage's per-session totals (Claude), by session id. */
  sessions?: Record<string, ClaudeDay>;
  /** Models ccusage names. */
  models?: string[];
  /** Where Pitwall deliberately differs from ccusage's session grouping, why. */
  note?: string;
}

const line = (timestamp: string | undefined, usage: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  ...(timestamp ? { timestamp } : {}),
  ...extra,
  message: { ...(extra.message as object), usage },
});

/** A Claude line with ids (data-loader.ts's dedup fixtures). */
const claudeMsg = (timestamp: string, id: string, usage: Record<string, number>, requestId?: string, more: Record<string, unknown> = {}) => ({
  timestamp,
  message: { id, ...(more.model ? { model: more.model } : {}), usage },
  ...(requestId ? { requestId } : {}),
  ...more,
});

const tokenCount = (timestamp: string | number, info: Record<string, unknown>) => ({ timestamp, type: 'event_msg', payload: { type: 'token_count', info } });
const usage = (input: number, cached: number, output: number, reasoning = 0, total = input + output) => ({
  input_tokens: input,
  cached_input_tokens: cached,
  output_tokens: output,
  reasoning_output_tokens: reasoning,
  total_tokens: total,
});
const rollout = (stamp: string, id: string) => `.codex/sessions/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp.slice(8, 10)}/rollout-${stamp}-${id}.jsonl`;
const subagentMeta = (timestamp: string, id: string, parent: string) => ({
  timestamp,
  type: 'session_meta',
  payload: { id, source: { subagent: { thread_spawn: { parent_thread_id: parent } } } },
});

const ID = (n: number) => `0199${String(n).padStart(4, '0')}-0000-7000-8000-000000000000`;

const CASES: Case[] = [
  // --- Claude Code: CLAUDE, describe('loadDailyUsageData') ---
  {
    name: 'usage of two sessions on one day adds up',
    source: "CLAUDE 'aggregates daily usage data correctly'",
    files: {
      '.claude/projects/project1/session1.jsonl': [line('2024-01-01T10:00:00Z', { input_tokens: 100, output_tokens: 50 }), line('2024-01-01T12:00:00Z', { input_tokens: 200, output_tokens: 100 })],
      '.claude/projects/project1/session2.jsonl': [line('2024-01-01T18:00:00Z', { input_tokens: 300, output_tokens: 150 })],
    },
    claude: { '2024-01-01': { input: 600, output: 300 } },
  },
  {
    name: 'cache creation and cache reads',
    source: "CLAUDE 'handles cache tokens'",
    files: { '.claude/projects/project1/session1.jsonl': [line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 25, cache_read_input_tokens: 10 })] },
    claude: { '2024-01-01': { input: 100, output: 50, cacheCreation: 25, cacheRead: 10 } },
  },
  {
    name: 'invalid JSON lines are skipped, the rest is counted',
    source: "CLAUDE 'handles invalid JSON lines gracefully'",
    files: {
      '.claude/projects/project1/session1.jsonl': [
        line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50 }),
        'invalid json line',
        line('2024-01-01T12:00:00Z', { input_tokens: 200, output_tokens: 100 }),
        '{ broken json',
        line('2024-01-01T18:00:00Z', { input_tokens: 300, output_tokens: 150 }),
      ],
    },
    claude: { '2024-01-01': { input: 600, output: 300 } },
  },
  {
    name: 'lines without counts, without a message or without a timestamp are not counted',
    source: "CLAUDE 'skips data without required fields'",
    files: {
      '.claude/projects/project1/session1.jsonl': [
        line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50 }),
        line('2024-01-01T14:00:00Z', {}),
        { timestamp: '2024-01-01T18:00:00Z', message: {} },
        { timestamp: '2024-01-01T20:00:00Z' },
        line(undefined, { input_tokens: 200, output_tokens: 100 }),
        line('2024-01-01T22:00:00Z', { input_tokens: 300, output_tokens: 150 }),
      ],
    },
    claude: { '2024-01-01': { input: 400, output: 200 } },
  },
  // --- Claude Code: CLAUDE, describe('deduplication functionality') ---
  {
    name: 'the same message and request in two sessions counts once, on the earliest day',
    source: "CLAUDE 'should deduplicate entries with same message and request IDs'",
    files: {
      '.claude/projects/project1/session1.jsonl': [claudeMsg('2025-01-10T10:00:00Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, 'req_456')],
      '.claude/projects/project1/session2.jsonl': [claudeMsg('2025-01-15T10:00:00Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, 'req_456')],
    },
    claude: { '2025-01-10': { input: 100, output: 50 } },
  },
  {
    name: 'of two copies, the one with more tokens counts, on its own day',
    source: "CLAUDE 'keeps the duplicate with more usage tokens across files'",
    files: {
      '.claude/projects/project1/newer.jsonl': [claudeMsg('2025-01-15T10:00:00Z', 'msg_123', { input_tokens: 200, output_tokens: 100 }, 'req_456')],
      '.claude/projects/project1/older.jsonl': [claudeMsg('2025-01-10T10:00:00Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, 'req_456')],
    },
    claude: { '2025-01-15': { input: 200, output: 100 } },
  },
  {
    name: 'a streamed response counts once, with its most complete counts',
    source: "CLAUDE 'keeps the most complete duplicate usage entry'",
    files: {
      '.claude/projects/project1/session1.jsonl': [
        claudeMsg('2025-01-10T10:00:00.000Z', 'msg_123', { input_tokens: 100, output_tokens: 25, cache_creation_input_tokens: 10, cache_read_input_tokens: 5 }, 'req_456', { model: 'claude-opus-4-6' }),
        claudeMsg('2025-01-10T10:00:01.000Z', 'msg_123', { input_tokens: 100, output_tokens: 250, cache_creation_input_tokens: 10, cache_read_input_tokens: 5 }, 'req_456', { model: 'claude-opus-4-6' }),
      ],
    },
    claude: { '2025-01-10': { input: 100, output: 250, cacheCreation: 10, cacheRead: 5 } },
    models: ['claude-opus-4-6'],
  },
  {
    name: 'the same message id without a request id counts once',
    source: "CLAUDE 'deduplicates entries with the same message id when request id is missing'",
    files: {
      '.claude/projects/project1/session1.jsonl': [
        claudeMsg('2025-01-10T10:00:00.000Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, undefined, { model: 'claude-opus-4-6' }),
        claudeMsg('2025-01-10T10:00:01.000Z', 'msg_123', { input_tokens: 200, output_tokens: 100 }, undefined, { model: 'claude-opus-4-6' }),
      ],
    },
    claude: { '2025-01-10': { input: 200, output: 100 } },
  },
  {
    name: 'a response in two sessions is credited to the one where it came first',
    source: "CLAUDE 'should deduplicate entries across sessions' (loadSessionData)",
    files: {
      '.claude/projects/project1/session1.jsonl': [claudeMsg('2025-01-10T10:00:00Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, 'req_456')],
      '.claude/projects/project1/session2.jsonl': [claudeMsg('2025-01-15T10:00:00Z', 'msg_123', { input_tokens: 100, output_tokens: 50 }, 'req_456')],
    },
    sessions: { session1: { input: 100, output: 50 } },
  },
  // --- Claude Code: CLAUDE, describe('loadSessionData') ---
  {
    name: 'a subagent file belongs to its session folder',
    source: "CLAUDE 'groups flat session files and nested subagent files by the Claude session directory'",
    files: {
      '.claude/projects/project1/session-a.jsonl': [line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50 }, { sessionId: 'session-a' })],
      '.claude/projects/project1/session-a/subagents/agent-a.jsonl': [line('2024-01-01T12:05:00Z', { input_tokens: 200, output_tokens: 75 }, { sessionId: 'session-a' })],
    },
    sessions: { 'session-a': { input: 300, output: 125 } },
  },
  // --- Claude Code: CLAUDE, describe('getClaudePaths') / describe('multiple paths integration') ---
  {
    name: 'every folder of a comma-separated CLAUDE_CONFIG_DIR is read',
    source: "CLAUDE 'returns paths from environment variable when set' + 'loadDailyUsageData aggregates data from multiple paths'",
    env: { CLAUDE_CONFIG_DIR: 'first-claude,second-claude' },
    files: {
      'first-claude/projects/project1/session1.jsonl': [line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50 })],
      'second-claude/projects/project2/session2.jsonl': [line('2024-01-01T13:00:00Z', { input_tokens: 200, output_tokens: 100 })],
    },
    claude: { '2024-01-01': { input: 300, output: 150 } },
  },
  {
    name: 'without CLAUDE_CONFIG_DIR, ~/.config/claude and ~/.claude are both read',
    source: "CLAUDE getClaudePaths (defaultPaths: XDG config 'claude', then ~/.claude)",
    files: {
      '.config/claude/projects/project1/session1.jsonl': [line('2024-01-01T12:00:00Z', { input_tokens: 100, output_tokens: 50 })],
      '.claude/projects/project2/session2.jsonl': [line('2024-01-01T13:00:00Z', { input_tokens: 200, output_tokens: 100 })],
    },
    claude: { '2024-01-01': { input: 300, output: 150 } },
  },
  // --- Claude Code: CLAUDE, describe('formatDate') 'respects timezone parameter' ---
  {
    name: 'days are counted in the chosen zone: 15:00 UTC is the next day in Tokyo',
    source: "CLAUDE 'respects timezone parameter' (Asia/Tokyo)",
    timeZone: 'Asia/Tokyo',
    files: { '.claude/projects/project1/session1.jsonl': [line('2024-01-01T15:00:00Z', { input_tokens: 100, output_tokens: 50 })] },
    claude: { '2024-01-02': { input: 100, output: 50 } },
  },
  {
    name: 'days are counted in the chosen zone: 03:00 UTC is the evening before in New York',
    source: "CLAUDE 'respects timezone parameter' (America/New_York)",
    timeZone: 'America/New_York',
    files: { '.claude/projects/project1/session1.jsonl': [line('2024-01-02T03:00:00Z', { input_tokens: 100, output_tokens: 50 })] },
    claude: { '2024-01-01': { input: 100, output: 50 } },
  },
  // --- Claude Code: DAILY ---
  {
    name: 'a sidechain replay of a parent message (same message id, new request id) is the parent response',
    source: 'DAILY keeps_parent_daily_usage_when_sidechain_replays_message_with_new_request_id',
    files: {
      '.claude/projects/project-a/session-side.jsonl': [
        claudeMsg('2026-03-29T07:00:00Z', 'msg-parent', { input_tokens: 0, output_tokens: 10, cache_read_input_tokens: 20 }, 'req-parent', { type: 'assistant', sessionId: 'session-side', model: 'claude-sonnet-4-20250514' }),
      ],
      '.claude/projects/project-a/session-side/subagents/agent-side.jsonl': [
        claudeMsg('2026-03-29T07:01:00Z', 'msg-parent', { input_tokens: 0, output_tokens: 10, cache_read_input_tokens: 50_000 }, 'req-sidechain-replay', { type: 'assistant', isSidechain: true, sessionId: 'session-side', model: 'claude-sonnet-4-20250514' }),
        claudeMsg('2026-03-29T07:02:00Z', 'msg-sidechain-answer', { input_tokens: 0, output_tokens: 30, cache_read_input_tokens: 700 }, 'req-sidechain-answer', { type: 'assistant', isSidechain: true, sessionId: 'session-side', model: 'claude-sonnet-4-20250514' }),
      ],
    },
    claude: { '2026-03-29': { input: 0, output: 40, cacheRead: 720 } },
  },
  // --- Claude Code: SNAPSHOTS (daily-json.txt, claude-direct-daily-json.txt) ---
  {
    name: "ccusage's CLI fixtures give its daily-json snapshot",
    source: 'SNAPSHOTS daily-json.txt from apps/ccusage/test/fixtures/claude/projects/{project-alpha,project-beta}',
    files: {
      '.claude/projects/project-alpha/session-alpha.jsonl': [
        { timestamp: '2026-01-09T10:00:00.000Z', sessionId: 'session-alpha', message: { role: 'assistant', id: 'msg-alpha-1', model: 'claude-sonnet-4-20250514', usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 25, cache_read_input_tokens: 10 } }, requestId: 'req-alpha-1', costUSD: 0.12, version: '1.0.0' },
        { timestamp: '2026-01-09T12:30:00.000Z', sessionId: 'session-alpha', message: { role: 'assistant', id: 'msg-alpha-2', model: 'claude-opus-4-20250514', usage: { input_tokens: 200, output_tokens: 75, cache_creation_input_tokens: 50, cache_read_input_tokens: 20, speed: 'fast' } }, requestId: 'req-alpha-2', costUSD: 0.34, version: '1.0.0' },
        { timestamp: '2026-01-10T09:15:00.000Z', sessionId: 'session-alpha', message: { role: 'assistant', id: 'msg-alpha-3', model: 'claude-sonnet-4-20250514', usage: { input_tokens: 300, output_tokens: 125, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 } }, requestId: 'req-alpha-3', costUSD: 0.56, version: '1.1.0' },
      ],
      '.claude/projects/project-beta/session-beta.jsonl': [
        { timestamp: '2026-02-03T08:00:00.000Z', sessionId: 'session-beta', message: { role: 'assistant', id: 'msg-beta-1', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 50, output_tokens: 25, cache_creation_input_tokens: 5, cache_read_input_tokens: 15 } }, requestId: 'req-beta-1', costUSD: 0.03, version: '1.0.0' },
        { timestamp: '2026-02-03T11:45:00.000Z', sessionId: 'session-beta', message: { role: 'assistant', id: 'msg-beta-2', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 80, output_tokens: 35, cache_creation_input_tokens: 10, cache_read_input_tokens: 25 } }, requestId: 'req-beta-2', costUSD: 0.04, version: '1.0.0' },
      ],
    },
    claude: {
      '2026-01-09': { input: 300, output: 125, cacheCreation: 75, cacheRead: 30 },
      '2026-01-10': { input: 300, output: 125, cacheCreation: 0, cacheRead: 40 },
      '2026-02-03': { input: 130, output: 60, cacheCreation: 15, cacheRead: 40 },
    },
  },
  {
    name: "ccusage's CLI Claude fixture gives its claude-direct-daily-json snapshot",
    source: 'SNAPSHOTS claude-direct-daily-json.txt (cli-output.test.ts createAgentFixtureTree().claude)',
    files: {
      '.claude/projects/project/session-id.jsonl': [
        { timestamp: '2026-01-02T00:00:00.000Z', sessionId: 'claude-session', message: { role: 'assistant', id: 'claude-message', model: 'claude-sonnet-4-20250514', usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 20, cache_read_input_tokens: 10 } }, requestId: 'claude-request', costUSD: 0.25, version: '1.0.0' },
      ],
    },
    claude: { '2026-01-02': { input: 100, output: 50, cacheCreation: 20, cacheRead: 10 } },
  },
  // --- Codex: CODEX ---
  {
    name: 'token_count events: last_token_usage, else the difference of totals',
    source: "CODEX 'parses token_count events and skips entries without model metadata'",
    files: {
      [rollout('2025-09-11T18-25-30', ID(1))]: [
        { timestamp: '2025-09-11T18:25:30.000Z', type: 'turn_context', payload: { model: 'gpt-5' } },
        tokenCount('2025-09-11T18:25:40.670Z', { total_token_usage: usage(1200, 200, 500, 0, 1700), last_token_usage: usage(1200, 200, 500, 0, 1700), model: 'gpt-5' }),
        { timestamp: '2025-09-11T18:40:00.000Z', type: 'turn_context', payload: { model: 'gpt-5' } },
        tokenCount('2025-09-12T00:00:00.000Z', { total_token_usage: usage(2000, 300, 800, 0, 2800) }),
      ],
    },
    codex: { '2025-09-11': { input: 1200, cached: 200, output: 500 }, '2025-09-12': { input: 800, cached: 100, output: 300 } },
    models: ['gpt-5'],
  },
  {
    name: 'a rollout that names no model is counted as gpt-5',
    source: "CODEX 'falls back to legacy model when metadata is missing entirely'",
    files: { [rollout('2025-09-15T13-00-00', ID(2))]: [tokenCount('2025-09-15T13:00:00.000Z', { total_token_usage: usage(5000, 0, 1000, 0, 6000) })] },
    codex: { '2025-09-15': { input: 5000, cached: 0, output: 1000 } },
    models: ['gpt-5'],
  },
  // --- Codex: LOADER ---
  {
    name: "a branch that copies its parent's history counts the parent's responses once",
    source: 'LOADER dedupes_copied_branch_history_across_session_files',
    files: {
      [rollout('2026-05-12T08-00-00', ID(3))]: [
        { timestamp: '2026-05-12T08:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2' } },
        tokenCount('2026-05-12T08:01:00.000Z', { total_token_usage: usage(1000, 100, 200, 20, 1200) }),
      ],
      [rollout('2026-05-12T08-02-00', ID(4))]: [
        { timestamp: '2026-05-12T08:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2' } },
        tokenCount('2026-05-12T08:01:00.000Z', { total_token_usage: usage(1000, 100, 200, 20, 1200) }),
        tokenCount('2026-05-12T08:02:00.000Z', { total_token_usage: usage(1600, 300, 450, 40, 2050) }),
      ],
    },
    codex: { '2026-05-12': { input: 1600, cached: 300, output: 450 } },
  },
  {
    name: 'archived_sessions is read; an archive whose active copy exists is not counted again',
    source: 'LOADER loads_active_copy_when_archived_file_has_same_relative_path (and AGGREGATE aggregates_active_copy_when_archived_file_has_same_relative_path)',
    files: {
      [rollout('2026-05-12T08-00-00', ID(5))]: [
        { timestamp: '2026-05-12T08:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2' } },
        tokenCount('2026-05-12T08:01:00.000Z', { total_token_usage: usage(111, 10, 20, 1, 131) }),
      ],
      [`.codex/archived_sessions/rollout-2026-05-12T08-00-00-${ID(5)}.jsonl`]: [
        { timestamp: '2026-05-12T09:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2' } },
        tokenCount('2026-05-12T09:01:00.000Z', { total_token_usage: usage(999, 90, 80, 7, 1079) }),
      ],
      [`.codex/archived_sessions/rollout-2026-05-13T08-00-00-${ID(6)}.jsonl`]: [
        { timestamp: '2026-05-13T08:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2' } },
        tokenCount('2026-05-13T08:01:00.000Z', { total_token_usage: usage(222, 20, 30, 2, 252) }),
      ],
    },
    codex: { '2026-05-12': { input: 111, cached: 10, output: 20 }, '2026-05-13': { input: 222, cached: 20, output: 30 } },
  },
  {
    name: 'a numeric (epoch ms) timestamp',
    source: 'LOADER loads_session_usage_with_numeric_timestamp',
    files: {
      [rollout('2026-01-02T00-00-00', ID(7))]: [
        { timestamp: '2026-01-02T00:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5' } },
        tokenCount(1767312001000, { total_token_usage: usage(100, 10, 50, 0, 150), model: 'gpt-5' }),
      ],
    },
    codex: { '2026-01-02': { input: 100, cached: 10, output: 50 } },
  },
  {
    name: 'spaces around the type fields',
    source: 'LOADER loads_session_usage_with_spaced_type_fields',
    files: {
      [rollout('2026-01-02T00-00-00', ID(8))]: [
        '{ "timestamp": "2026-01-02T00:00:00.000Z", "type" : "turn_context", "payload": { "model": "gpt-5" } }',
        '{ "timestamp": "2026-01-02T00:00:01.000Z", "type" : "event_msg", "payload": { "type" : "token_count", "info": { "total_token_usage": { "input_tokens": 100, "cached_input_tokens": 10, "output_tokens": 50, "total_tokens": 150 }, "model": "gpt-5" } } }',
        '{ "timestamp": "2026-01-02T00:00:02.000Z", "type" : "event_msg", "payload": { "type":"token_count", "info": { "total_token_usage": { "input_tokens": 200, "cached_input_tokens": 20, "output_tokens": 75, "total_tokens": 275 }, "model": "gpt-5" } } }',
      ],
    },
    codex: { '2026-01-02': { input: 200, cached: 20, output: 75 } },
  },
  {
    name: "a thread_spawn sub-agent's replay of its parent's history is the parent's; its own calls count, the first one too",
    source: 'LOADER skips_replayed_parent_token_history_in_thread_spawn_subagent_files',
    files: {
      [rollout('2026-05-12T08-00-00', ID(9))]: [
        { timestamp: '2026-05-12T08:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5.2', model_name: null, metadata: null } },
        tokenCount('2026-05-12T08:01:00.000Z', { last_token_usage: usage(1000, 100, 200, 0, 1200), total_token_usage: usage(1000, 100, 200, 0, 1200) }),
        tokenCount('2026-05-12T08:02:00.000Z', { last_token_usage: usage(500, 50, 100, 0, 600), total_token_usage: usage(1500, 150, 300, 0, 1800) }),
      ],
      [rollout('2026-05-12T08-03-00', ID(10))]: [
        subagentMeta('2026-05-12T08:03:00.000Z', 'subagent-abc', 'parent-xyz'),
        { timestamp: '2026-05-12T08:03:00.000Z', type: 'session_meta', payload: { id: 'parent-xyz' } },
        tokenCount('2026-05-12T08:03:00.000Z', { last_token_usage: usage(1000, 100, 200, 0, 1200), total_token_usage: usage(1000, 100, 200, 0, 1200) }),
        tokenCount('2026-05-12T08:03:00.000Z', { last_token_usage: usage(500, 50, 100, 0, 600), total_token_usage: usage(1500, 150, 300, 0, 1800) }),
        tokenCount('2026-05-12T08:04:00.000Z', { last_token_usage: usage(100, 10, 20, 0, 120), total_token_usage: usage(100, 10, 20, 0, 120), model: 'gpt-5.2' }),
        tokenCount('2026-05-12T08:05:00.000Z', { last_token_usage: usage(50, 5, 10, 0, 60), total_token_usage: usage(150, 15, 30, 0, 180) }),
      ],
    },
    codex: { '2026-05-12': { input: 1650, cached: 165, output: 330 } },
  },
  {
    name: "a sub-agent's replay still sets where its own totals start",
    source: 'LOADER keeps_cumulative_baseline_when_skipping_subagent_replay',
    files: {
      [rollout('2026-05-12T08-03-00', ID(11))]: [
        subagentMeta('2026-05-12T08:03:00.000Z', 'subagent-abc', 'parent-xyz'),
        tokenCount('2026-05-12T08:03:00.000Z', { total_token_usage: usage(1000, 100, 200, 0, 1200) }),
        tokenCount('2026-05-12T08:03:00.000Z', { total_token_usage: usage(1500, 150, 300, 0, 1800) }),
        tokenCount('2026-05-12T08:04:00.000Z', { total_token_usage: usage(1600, 160, 320, 0, 1920), model: 'gpt-5.2' }),
      ],
    },
    codex: { '2026-05-12': { input: 100, cached: 10, output: 20 } },
  },
  {
    name: 'three sub-agents that each replay the parent count the parent once',
    source: 'LOADER skips_replayed_history_across_multiple_subagent_files',
    files: {
      [rollout('2026-05-12T08-01-00', ID(12))]: [tokenCount('2026-05-12T08:01:00.000Z', { last_token_usage: usage(1000, 100, 200, 0, 1200), total_token_usage: usage(1000, 100, 200, 0, 1200), model: 'gpt-5.2' })],
      ...Object.fromEntries(
        (
          [
            ['2026-05-12T08:02:00.000Z', '2026-05-12T08:04:00.000Z', 50, 13],
            ['2026-05-12T08:06:00.000Z', '2026-05-12T08:08:00.000Z', 75, 14],
            ['2026-05-12T08:10:00.000Z', '2026-05-12T08:12:00.000Z', 25, 15],
          ] as const
        ).map(([created, own, input, n]) => [
          rollout(created.slice(0, 19).replace(/:/g, '-'), ID(n)),
          [
            subagentMeta(created, 'subagent', 'parent'),
            { timestamp: created, type: 'session_meta', payload: { id: 'parent' } },
            tokenCount(created, { last_token_usage: usage(700, 70, 140, 0, 840), total_token_usage: usage(700, 70, 140, 0, 840) }),
            tokenCount(created, { last_token_usage: usage(300, 30, 60, 0, 360), total_token_usage: usage(1000, 100, 200, 0, 1200) }),
            tokenCount(own, { last_token_usage: usage(input, 0, 10, 0, input + 10), total_token_usage: usage(input, 0, 10, 0, input + 10), model: 'gpt-5.2' }),
          ],
        ]),
      ),
    },
    codex: { '2026-05-12': { input: 1150, cached: 100, output: 230 } },
  },
  // --- Codex: AGGREGATE ---
  {
    name: 'the same usage line copied into two rollouts counts once (daily)',
    source: 'AGGREGATE dedupes_copied_token_usage_across_session_files',
    note: "AGGREGATE keeps_matching_token_usage_in_distinct_session_groups counts it in both sessions of ccusage's session report; Pitwall credits it to one session, so session totals add up to the daily ones",
    files: Object.fromEntries(
      [ID(16), ID(17)].map((id) => [
        rollout('2026-05-29T08-00-00', id),
        [tokenCount('2026-05-29T08:01:00.000Z', { model: 'gpt-5.2', last_token_usage: usage(1000, 100, 200, 20, 1200) })],
      ]),
    ),
    codex: { '2026-05-29': { input: 1000, cached: 100, output: 200 } },
  },
  // --- Codex: SNAPSHOTS ---
  {
    name: "ccusage's CLI Codex fixture gives its codex-direct-daily-json snapshot",
    source: 'SNAPSHOTS codex-direct-daily-json.txt (cli-output.test.ts createAgentFixtureTree().codex)',
    files: {
      [rollout('2026-01-02T00-00-00', ID(18))]: [
        { timestamp: '2026-01-02T00:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5' } },
        tokenCount('2026-01-02T00:00:01.000Z', { total_token_usage: usage(100, 10, 50, 0, 150), model: 'gpt-5' }),
      ],
    },
    codex: { '2026-01-02': { input: 100, cached: 10, output: 50 } },
    models: ['gpt-5'],
  },
];

/** Writes a case's files into a fresh home; `oldestFirst` decides which file is newest (read first by a scan). */
function writeCase(c: Case, oldestFirst: boolean): string {
  const home = tempDir('pitwall-ccusage-');
  const paths = Object.keys(c.files);
  paths.forEach((relative, i) => {
    const file = path.join(home, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, c.files[relative]!.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
    const rank = oldestFirst ? i : paths.length - i;
    const at = new Date(Date.UTC(2026, 0, 1) + rank * 60_000);
    fs.utimesSync(file, at, at);
  });
  return home;
}

function expectedDays(c: Case): Record<string, { input: number; output: number; cacheRead: number; cacheWrite: number }> {
  if (c.claude) return Object.fromEntries(Object.entries(c.claude).map(([d, t]) => [d, { input: t.input, output: t.output, cacheRead: t.cacheRead ?? 0, cacheWrite: t.cacheCreation ?? 0 }]));
  // Pitwall splits Codex input into its uncached part and the cache reads.
  return Object.fromEntries(Object.entries(c.codex ?? {}).map(([d, t]) => [d, { input: t.input - t.cached, output: t.output, cacheRead: t.cached, cacheWrite: 0 }]));
}

describe("ccusage's test cases, written as the agents write them", () => {
  for (const c of CASES) {
    for (const oldestFirst of [false, true]) {
      it(`${c.name} [${c.source}] (${oldestFirst ? 'oldest' : 'newest'} file read first)`, async () => {
        const home = writeCase(c, oldestFirst);
        const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v.split(',').map((p) => path.join(home, p)).join(',')]));
        const t = transcriptDb(c.timeZone ?? 'UTC');
        await scanTranscripts(defaultTranscriptRoots(env, 'linux', home), t.ingester, () => {});
        if (c.claude || c.codex) {
          const days = t.db.sqlite.prepare(`SELECT day, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite FROM usage_daily GROUP BY day`).all() as { day: string }[];
          expect(Object.fromEntries(days.map(({ day, ...rest }) => [day, rest]))).toEqual(expectedDays(c));
          const { records, daily } = usageTotals(t.db);
          expect(daily).toEqual(records);
        }
        if (c.sessions) {
          const rows = t.db.sqlite
            .prepare(`SELECT s.external_id AS id, sum(u.input_tokens) AS input, sum(u.output_tokens) AS output FROM usage_records u JOIN sessions s ON s.id = u.session_id GROUP BY s.external_id`)
            .all() as { id: string; input: number; output: number }[];
          expect(Object.fromEntries(rows.map((r) => [r.id, { input: r.input, output: r.output }]))).toEqual(c.sessions);
        }
        if (c.models) expect((t.db.sqlite.prepare(`SELECT DISTINCT model FROM usage_daily ORDER BY model`).all() as { model: string }[]).map((r) => r.model)).toEqual(c.models);
      });
    }
  }
});
