import path from 'node:path';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { verificationRuns } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import type { Verification } from '../../src-common/domain/task';
import { newId } from '../../src-common/ids';
import type { Clock } from '../clock';
import { ensurePrivateDir, writePrivateFile } from '../private-files';
import { runScript } from '../worktrees/init-script';

/** A verification run as stored. */
export type VerificationRow = typeof verificationRuns.$inferSelect;

/** The verify command's runs: the only writer and reader of `verification_runs`. */
export class TaskVerification {
  constructor(
    private readonly db: PitwallDb,
    /** Where each run's whole output is kept. */
    private readonly dir: string,
    private readonly clock: Clock,
    /** Told when a task's verification changed (started or finished). */
    private readonly onChange: (taskId: string) => void,
  ) {}

  /** Runs the verify command in the worktree and records it; an abort leaves the run `running` for the next start's sweep. */
  async run(taskId: string, command: string, cwd: string, signal: AbortSignal): Promise<void> {
    const now = this.clock();
    const run = this.db.insert(verificationRuns).values({ id: newId(), createdAt: now, updatedAt: now, taskId, command, status: 'running' }).returning().get();
    this.onChange(taskId);
    const result = await runScript(command, cwd, undefined, signal);
    if (signal.aborted) return;
    ensurePrivateDir(this.dir);
    const outputFile = path.join(this.dir, `${run.id}.log`);
    writePrivateFile(outputFile, result.output);
    const done = this.clock();
    this.db
      .update(verificationRuns)
      .set({ status: result.exitCode === 0 ? 'passed' : 'failed', exitCode: result.exitCode, durationMs: done - now, outputFile, outputTail: result.output.split('\n').slice(-40).join('\n').slice(-4000), ...nextVersion(run, done) })
      .where(eq(verificationRuns.id, run.id))
      .run();
    this.onChange(taskId);
  }

  /** A task's runs, newest first. */
  list(taskId: string): Verification[] {
    return this.db.select().from(verificationRuns).where(eq(verificationRuns.taskId, taskId)).orderBy(desc(verificationRuns.createdAt)).all().map(toVerification);
  }

  /**
   * Each task's latest run, in one query rather than one per task, reading only the latest (the
   * task + time index answers the max); runs started in the same millisecond resolve to one.
   */
  latestFor(taskIds: readonly string[]): Map<string, Verification> {
    const latest = new Map<string, VerificationRow>();
    if (taskIds.length > 0) {
      const latestTime = sql`(SELECT max(v2.created_at) FROM verification_runs v2 WHERE v2.task_id = ${verificationRuns.taskId})`;
      const runs = this.db
        .select()
        .from(verificationRuns)
        .where(and(inArray(verificationRuns.taskId, [...taskIds]), eq(verificationRuns.createdAt, latestTime)))
        .all();
      // Ids are UUIDv7, so the greater one of a tie was made later.
      for (const run of runs) if ((latest.get(run.taskId)?.id ?? '') < run.id) latest.set(run.taskId, run);
    }
    return new Map([...latest].map(([taskId, run]) => [taskId, toVerification(run)]));
  }

  /** Runs a crash cut short (still `running` at start-up). */
  interrupted(): VerificationRow[] {
    return this.db.select().from(verificationRuns).where(eq(verificationRuns.status, 'running')).all();
  }

  /** Records a run a crash cut short as failed, saying it is run again. */
  markInterrupted(run: VerificationRow): void {
    this.db
      .update(verificationRuns)
      .set({ status: 'failed', exitCode: null, outputTail: 'Pitwall stopped while this verification ran; it was run again at start-up.', updatedAt: this.clock(), version: run.version + 1 })
      .where(eq(verificationRuns.id, run.id))
      .run();
  }
}

function toVerification(r: VerificationRow): Verification {
  return {
    id: r.id,
    command: r.command,
    status: r.status === 'passed' || r.status === 'failed' ? r.status : 'running',
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    outputTail: r.outputTail,
    outputFile: r.outputFile,
    createdAt: r.createdAt,
  };
}
