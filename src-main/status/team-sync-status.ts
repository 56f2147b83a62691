import type { SyncStatus } from '../../src-common/domain/status';
import type { TeamStatus } from '../../src-common/domain/team';

/** Team sync's detailed state, as the tray and page badge show it: off, ok, pushing or failing. */
export function syncStatusOf(team: TeamStatus): SyncStatus {
  switch (team.state) {
    case 'off':
      return { state: 'off', detail: null };
    case 'idle':
      return { state: 'ok', detail: team.queueDepth > 0 ? `${team.queueDepth} rows waiting` : null };
    case 'paused':
      return { state: 'ok', detail: team.queueDepth > 0 ? `Paused, ${team.queueDepth} rows waiting` : 'Paused' };
    case 'pushing':
      return { state: 'pushing', detail: team.queueDepth > 0 ? `${team.queueDepth} rows to push` : null };
    case 'backoff':
    case 'removed':
      return { state: 'failing', detail: team.lastError ?? 'The team server did not accept the last push' };
  }
}
