import { describe, expect, it } from 'vitest';
import { parseStreamName } from '../../src-common/sync/protocol';
import { MAX_TEXT_CHARS, ROW_SCHEMAS, SYNC_TABLE_NAMES, compileRowCheck } from '../../src-common/sync/tables';

const message = { id: 'm1', created_at: 1, updated_at: 1, session_id: 's1', role: 'user', text: 'hi', sequence: 1, kind: 'text' };

describe('sync protocol', () => {
  it('names streams: a table, a back-fill of an append-only table, or deletes', () => {
    expect(parseStreamName('messages')).toEqual({ table: 'messages', backfill: null });
    expect(parseStreamName('messages~12')).toEqual({ table: 'messages', backfill: 12 });
    expect(parseStreamName('deletes')).toEqual({ table: 'deletes', backfill: null });
    for (const bad of ['sessions~1', 'deletes~1', 'messages~0', 'messages~', 'agent_profiles', 'users', 'Messages', '../x', 'messages~1~2']) expect(parseStreamName(bad), bad).toBeNull();
  });

  it('checks rows on the fast path exactly as the zod schemas do', () => {
    const cases: Record<string, unknown>[] = [
      message,
      { ...message, extra_field: { nested: true } },
      { ...message, model: null, timestamp: undefined },
      { ...message, text: undefined },
      { ...message, text: null },
      { ...message, sequence: 1.5 },
      { ...message, sequence: '1' },
      { ...message, sequence: Number.MAX_SAFE_INTEGER + 2 },
      { ...message, id: '' },
      { ...message, id: 'x'.repeat(201) },
      { ...message, id: 7 },
      { ...message, text: 'x'.repeat(MAX_TEXT_CHARS + 1) },
      { ...message, input_tokens: NaN },
      { id: 'only' },
    ];
    const check = compileRowCheck('messages');
    for (const row of cases) expect(check(row), JSON.stringify(row).slice(0, 80)).toBe(ROW_SCHEMAS.messages.safeParse(row).success);
    const worktree = { id: 'w', created_at: 1, updated_at: 1, version: 1, project_id: 'p', branch: 'b', base_ref: 'main', path: '/x', status: 'active' };
    for (const external of [true, false, 0, 1, 2, 'yes', null]) {
      const row = { ...worktree, external };
      expect(compileRowCheck('worktrees')(row), String(external)).toBe(ROW_SCHEMAS.worktrees.safeParse(row).success);
    }
    for (const table of SYNC_TABLE_NAMES) expect(compileRowCheck(table)({}), table).toBe(false);
  });
});
