import { describe, expect, it } from 'vitest';
import { appSettingsSchema } from '../../src-common/domain/settings';
import { isMainTranscript } from '../../src-main/transcripts/main-file';
import { normalizeModel } from '../../src-main/transcripts/parsed';
import { defaultTranscriptRoots } from '../../src-main/transcripts/transcript-sources';
import { dayFunction, effectiveZone } from '../../src-main/transcripts/usage-days';

const formats = new Map<string, Intl.DateTimeFormat>();
/** The day of `at` in `zone`, asked of Intl directly each time (no quarter-hour cache): the independent answer. */
function intlDay(at: number, zone: string): string {
  if (!formats.has(zone)) formats.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  const parts = formats.get(zone)!.formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

describe('usage days', () => {
  it('are the calendar day in the zone, across offsets of a quarter hour and daylight saving changes', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Europe/London'];
    for (const zone of zones) {
      const day = dayFunction(zone);
      // Every 74 minutes 26 seconds through 2024 (a leap year with both DST changes): every quarter-hour slot of a day, in turn.
      const wrong: string[] = [];
      for (let at = Date.UTC(2024, 0, 1); at < Date.UTC(2025, 0, 1); at += 4_466_000) if (day(at) !== intlDay(at, zone)) wrong.push(new Date(at).toISOString());
      expect(wrong, zone).toEqual([]);
    }
  });

  it('in the local zone follow the system (TZ)', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(effectiveZone('local')).toBe('America/New_York');
      // An evening session in New York is on the evening's day, not tomorrow's (as UTC would have it).
      expect(dayFunction('local')(Date.parse('2024-01-02T03:00:00Z'))).toBe('2024-01-01');
      expect(dayFunction('UTC')(Date.parse('2024-01-02T03:00:00Z'))).toBe('2024-01-02');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('are set as local or a zone the system knows', () => {
    expect(appSettingsSchema.parse({}).usageTimeZone).toBe('local');
    expect(appSettingsSchema.parse({ usageTimeZone: 'Asia/Tokyo' }).usageTimeZone).toBe('Asia/Tokyo');
    expect(appSettingsSchema.safeParse({ usageTimeZone: 'Mars/Olympus_Mons' }).success).toBe(false);
  });
});

describe('model names', () => {
  it('are one name per model, written as its vendor writes it', () => {
    expect(normalizeModel('copilot/claude-opus-4.6')).toBe('claude-opus-4-6');
    expect(normalizeModel('claude-opus-4-6')).toBe('claude-opus-4-6');
    expect(normalizeModel('Claude-3.5-Sonnet')).toBe('claude-3-5-sonnet');
    expect(normalizeModel('claude-sonnet-4-20250514')).toBe('claude-sonnet-4-20250514');
    // OpenAI and Google write versions with dots.
    expect(normalizeModel('copilot/gpt-4.1')).toBe('gpt-4.1');
    expect(normalizeModel('gpt-5.2-codex')).toBe('gpt-5.2-codex');
    expect(normalizeModel('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
  });
});

describe('transcript roots', () => {
  it('read every folder of a comma-separated CLAUDE_CONFIG_DIR and CODEX_HOME, with Codex archives', () => {
    const roots = defaultTranscriptRoots({ CLAUDE_CONFIG_DIR: '/a/claude, /b/claude ,', CODEX_HOME: '/c/codex' }, 'linux', '/home/u');
    expect(roots.filter((r) => r.source === 'claude-code').map((r) => r.path)).toEqual(['/a/claude/projects', '/b/claude/projects']);
    expect(roots.filter((r) => r.source === 'codex').map((r) => r.path)).toEqual(['/c/codex/sessions', '/c/codex/archived_sessions']);
  });

  it('without CLAUDE_CONFIG_DIR, read both ~/.config/claude (or XDG_CONFIG_HOME/claude) and ~/.claude', () => {
    expect(defaultTranscriptRoots({}, 'linux', '/home/u').filter((r) => r.source === 'claude-code').map((r) => r.path)).toEqual(['/home/u/.config/claude/projects', '/home/u/.claude/projects']);
    expect(defaultTranscriptRoots({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u').filter((r) => r.source === 'claude-code').map((r) => r.path)).toEqual(['/xdg/claude/projects', '/home/u/.claude/projects']);
  });
});

describe('main transcript files', () => {
  it('are the session’s own file, not a subagent’s file or a copy under another name', () => {
    const id = '0f38c15d-fbfb-4183-90d6-e2d00cf2844d';
    expect(isMainTranscript('claude-code', `/p/-demo/${id}.jsonl`, id)).toBe(true);
    expect(isMainTranscript('claude-code', `/p/-demo/${id}/subagents/agent-a.jsonl`, id)).toBe(false);
    expect(isMainTranscript('claude-code', '/p/-demo/11111111-2222-4333-8444-555555555555.jsonl', id)).toBe(false);
    expect(isMainTranscript('codex', `/s/2026/11/30/rollout-2026-11-30T20-04-58-${id}.jsonl`, id)).toBe(true);
    expect(isMainTranscript('codex', '/s/2026/11/30/rollout-2026-11-30T20-04-58-0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.jsonl', id)).toBe(false);
    expect(isMainTranscript('gemini', '/g/hash/chats/session-2025-12-06T18-25-18f475c0.json', '18f475c0-690f-4bc9-b84e-88a0a1e9518f')).toBe(true);
    expect(isMainTranscript('gemini', '/g/hash/chats/18f475c0-690f-4bc9-b84e-88a0a1e9518f/sub.jsonl', '18f475c0-690f-4bc9-b84e-88a0a1e9518f')).toBe(false);
  });
});
