import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, writePrivateFile } from '../private-files';

const landingSchema = z.object({
  taskId: z.string(),
  repo: z.string(),
  base: z.string(),
  branch: z.string(),
  strategy: z.enum(['merge', 'squash', 'rebase']),
  /** The base's commit before the merge: the next start compares it with what the base is then. */
  baseBefore: z.string(),
  startedAt: z.number(),
});

/** A merge Pitwall began: written before git touches the base, removed once the task records the outcome. */
export type Landing = z.infer<typeof landingSchema>;

/**
 * One small file per merge under way, as a write-ahead note: git's merge and the task's row cannot
 * change in one transaction, so a crash between them is settled at the next start by comparing
 * the base with `baseBefore` (merged: finish; untouched: roll back).
 */
export class LandingJournal {
  constructor(private readonly dir: string) {}

  begin(landing: Landing): void {
    ensurePrivateDir(this.dir);
    const file = this.fileOf(landing.taskId);
    const temp = `${file}.${process.pid}.tmp`;
    writePrivateFile(temp, JSON.stringify(landing));
    fs.renameSync(temp, file);
  }

  end(taskId: string): void {
    fs.rmSync(this.fileOf(taskId), { force: true });
  }

  /** Every landing a crash left; damaged notes are dropped (they name no merge to settle). */
  left(): Landing[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const found: Landing[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        found.push(landingSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))));
      } catch (error) {
        console.error(`[tasks] dropping the damaged landing note ${file}`, error);
        fs.rmSync(file, { force: true });
      }
    }
    return found;
  }

  private fileOf(taskId: string): string {
    // Task ids are Pitwall's own (no separators), but a name is never trusted as a path.
    return path.join(this.dir, `${taskId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }
}
