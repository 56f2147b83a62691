import { and, desc, eq } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { agentRuns, events } from '../../db/schema';
import { newId } from '../../src-common/ids';
import { systemClock, type Clock } from '../clock';

/** What ended a run, as the session records it. */
export type RunOutcome = 'exited' | 'failed' | 'stopped';

/**
 * The record of what happened on this machine, for the team: each run of an agent process
 * (`agent_runs`: a session may run several times, resumed or restarted) and the lifecycle events
 * of sessions (`events`, append-only). It owns those tables; other services tell it what
 * happened. Rows leave the machine only through sync's triggers and scope (`machines` is the
 * sync service's: it writes this machine's row when it starts).
 */
export class RunLedger {
  private readonly clock: Clock;

  constructor(
    private readonly db: PitwallDb,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** An agent process started for a session: a new run, and a `session.started` event. */
  runStarted(run: { sessionId: string; taskId: string | null; command: string; resumed: boolean }): string {
    const now = this.clock();
    const id = newId();
    this.db.transaction((tx) => {
      // A run left open (the core died with it) is closed first: one run at a time per session.
      this.closeOpen(tx, run.sessionId, 'failed', null, now);
      tx.insert(agentRuns).values({ id, createdAt: now, updatedAt: now, sessionId: run.sessionId, taskId: run.taskId, kind: 'agent', command: run.command, status: 'running' }).run();
      this.event(tx, 'session.started', 'sessions', run.sessionId, { runId: id, resumed: run.resumed }, now);
    }, { behavior: 'immediate' });
    return id;
  }

  /** A session's agent process ended (or never started): its open run is closed, and a `session.ended` event. */
  runEnded(sessionId: string, outcome: RunOutcome, exitCode: number | null): void {
    const now = this.clock();
    this.db.transaction((tx) => {
      const runId = this.closeOpen(tx, sessionId, outcome, exitCode, now);
      this.event(tx, 'session.ended', 'sessions', sessionId, { runId, status: outcome, exitCode }, now);
    }, { behavior: 'immediate' });
  }

  private closeOpen(tx: Pick<PitwallDb, 'select' | 'update'>, sessionId: string, outcome: RunOutcome, exitCode: number | null, now: number): string | null {
    const open = tx.select().from(agentRuns).where(and(eq(agentRuns.sessionId, sessionId), eq(agentRuns.status, 'running'))).orderBy(desc(agentRuns.createdAt)).all();
    for (const run of open) {
      tx.update(agentRuns)
        .set({ status: outcome, exitCode, durationMs: Math.max(0, now - run.createdAt), updatedAt: now, version: run.version + 1 })
        .where(eq(agentRuns.id, run.id))
        .run();
    }
    return open[0]?.id ?? null;
  }

  private event(tx: Pick<PitwallDb, 'insert'>, type: string, subjectTable: string, subjectId: string, data: Record<string, unknown>, now: number): void {
    tx.insert(events).values({ id: newId(), createdAt: now, updatedAt: now, type, subjectTable, subjectId, at: now, data: JSON.stringify(data) }).run();
  }
}
