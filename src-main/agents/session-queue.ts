import type { ProjectService } from '../projects/project-service';
import type { SessionRecords, SessionRow } from './session-records';

/**
 * The start queue: launches a project's queued sessions, first come first, while fewer than its
 * `maxConcurrentAgents` run. One pass per project at a time, so two passes never fill one slot twice.
 */
export class SessionQueue {
  private readonly pumping = new Map<string, Promise<void>>();

  constructor(
    private readonly records: SessionRecords,
    private readonly projects: Pick<ProjectService, 'get'>,
    /** Starts one queued session; it records its own failure. */
    private readonly launch: (row: SessionRow) => Promise<void>,
  ) {}

  /** Starts queued sessions of a project while it has free slots. Serialized per project. */
  pump(projectId: string): Promise<void> {
    const previous = this.pumping.get(projectId) ?? Promise.resolve();
    const next = previous.then(() => this.pumpNow(projectId)).catch((error: unknown) => console.error('[sessions] pump failed', error));
    this.pumping.set(projectId, next);
    return next;
  }

  private async pumpNow(projectId: string): Promise<void> {
    let limit: number;
    try {
      limit = this.projects.get(projectId).config.maxConcurrentAgents;
    } catch {
      limit = 1;
    }
    for (;;) {
      if (this.records.liveCountIn(projectId) >= limit) {
        for (const row of this.records.queued(projectId)) {
          if (row.statusDetail === null) this.records.update(row, { statusDetail: `Waiting for a free slot (${limit} agent${limit === 1 ? '' : 's'} at a time in this project)` });
        }
        return;
      }
      const next = this.records.queued(projectId)[0];
      if (!next) return;
      await this.launch(next);
    }
  }
}
