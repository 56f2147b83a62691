import { describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../src-common/domain/team';
import { syncStatusOf } from '../../src-main/status/team-sync-status';

const base: TeamStatus = {
  state: 'off',
  team: null,
  projectIds: [],
  queueDepth: 0,
  oldestPendingAt: null,
  backfillPending: 0,
  lastSuccessAt: null,
  lastError: null,
  lastErrorAt: null,
  nextAttemptAt: null,
  pushedRows: 0,
  rejectedRows: 0,
  streams: [],
};

describe('team sync as the tray sees it', () => {
  it('is off without a team, ok when idle or paused, pushing while it pushes', () => {
    expect(syncStatusOf(base)).toEqual({ state: 'off', detail: null });
    expect(syncStatusOf({ ...base, state: 'idle' })).toEqual({ state: 'ok', detail: null });
    expect(syncStatusOf({ ...base, state: 'paused', queueDepth: 12 })).toEqual({ state: 'ok', detail: 'Paused, 12 rows waiting' });
    expect(syncStatusOf({ ...base, state: 'pushing', queueDepth: 500 })).toEqual({ state: 'pushing', detail: '500 rows to push' });
  });

  it('fails with the reason while backing off or after the device was removed', () => {
    expect(syncStatusOf({ ...base, state: 'backoff', lastError: 'The team server is not reachable' })).toEqual({ state: 'failing', detail: 'The team server is not reachable' });
    expect(syncStatusOf({ ...base, state: 'removed', lastError: 'This device was removed from the team.' })).toEqual({ state: 'failing', detail: 'This device was removed from the team.' });
    expect(syncStatusOf({ ...base, state: 'backoff' }).state).toBe('failing');
  });
});
