import { and, asc, desc, eq, gte, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { sessions } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import { SESSION_STATUSES, type Session, type SessionStatus } from '../../src-common/domain/agent';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import type { Clock } from '../clock';
import type { EventBus } from '../events/event-bus';

/** A row of the `sessions` table. */
export type SessionRow = typeof sessions.$inferSelect;

/** The statuses of a session whose agent process exists (or is being made). */
export const LIVE_STATUSES: readonly SessionStatus[] = ['starting', 'running', 'stopping'];

/** A session as other services see it: enough to label it and tell whether its agent stopped. */
export interface SessionFacts {
  title: string | null;
  cwd: string | null;
  status: string;
  activity: string | null;
}

/** The services owning the names a session shows, asked instead of joining their tables. */
export interface SessionNameLookups {
  projects: { namesOf(ids: readonly string[]): Map<string, string> };
  worktrees: { branchesOf(ids: readonly string[]): Map<string, string> };
  profiles: { namesOf(ids: readonly string[]): Map<string, string> };
}

const LIVE = LIVE_STATUSES as SessionStatus[];

/** The `sessions` table: the one file that reads and writes it; every change is announced as `sessions:changed`. */
export class SessionRecords {
  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly names: SessionNameLookups,
    private readonly clock: Clock,
  ) {}

  /** Records a launched session waiting for its turn in the start queue. */
  insertQueued(values: { agentKind: string; projectId: string; worktreeId: string | null; profileId: string; title: string; prompt: string | null; cwd: string }): SessionRow {
    const now = this.clock();
    const row = this.db
      .insert(sessions)
      .values({ id: newId(), createdAt: now, updatedAt: now, source: 'launched', ...values, status: 'queued' })
      .returning()
      .get();
    this.changed(row);
    return row;
  }

  /** The session (not removed), or a `not_found` error. */
  row(sessionId: string): SessionRow {
    const row = this.db.select().from(sessions).where(and(eq(sessions.id, sessionId), isNull(sessions.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No session with id ${sessionId}`);
    return row;
  }

  /** The session of any source, removed ones included; undefined when there is none. */
  find(sessionId: string): SessionRow | undefined {
    return this.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
  }

  /** A session launched here, removed ones included; undefined for any other. */
  findLaunched(sessionId: string): SessionRow | undefined {
    return this.db.select().from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.source, 'launched'))).get();
  }

  /** Writes the changes with the next row version and announces them. */
  update(row: SessionRow, changes: Partial<SessionRow>): SessionRow {
    const next = this.db
      .update(sessions)
      .set({ ...changes, ...nextVersion(row, this.clock()) })
      .where(eq(sessions.id, row.id))
      .returning()
      .get();
    this.changed(next);
    return next;
  }

  /** Sessions of any source whose agent process exists; `launchedOnly` narrows to those started here. */
  live(launchedOnly = false): SessionRow[] {
    return this.db
      .select()
      .from(sessions)
      .where(and(inArray(sessions.status, LIVE), launchedOnly ? eq(sessions.source, 'launched') : undefined))
      .all();
  }

  /** How many sessions have an agent process (for the quit question). */
  liveCount(): number {
    return this.db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.status, LIVE)).all().length;
  }

  /** How many of a project's sessions have an agent process (against its concurrency limit). */
  liveCountIn(projectId: string): number {
    return this.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.projectId, projectId), inArray(sessions.status, LIVE))).all().length;
  }

  /** A project's queued sessions, first come first. */
  queued(projectId: string): SessionRow[] {
    return this.db.select().from(sessions).where(and(eq(sessions.projectId, projectId), eq(sessions.status, 'queued'))).orderBy(asc(sessions.createdAt), asc(sessions.id)).all();
  }

  /** The projects with a queued session. */
  projectsWithQueued(): string[] {
    return this.db
      .selectDistinct({ projectId: sessions.projectId })
      .from(sessions)
      .where(eq(sessions.status, 'queued'))
      .all()
      .flatMap(({ projectId }) => (projectId ? [projectId] : []));
  }

  /** Launched sessions (of one project or all), newest first; transcript-only sessions live in History. */
  list(projectId?: string): Session[] {
    const rows = this.db
      .select()
      .from(sessions)
      .where(and(isNull(sessions.deletedAt), eq(sessions.source, 'launched'), projectId ? eq(sessions.projectId, projectId) : undefined))
      .orderBy(desc(sessions.createdAt))
      .all();
    return this.toSessions(rows);
  }

  /** Launched sessions queued or running, and the newest `maxEnded` that ended at or after `endedSince`. */
  recent(endedSince: number, maxEnded: number): Session[] {
    const launched = and(isNull(sessions.deletedAt), eq(sessions.source, 'launched'));
    const live = this.db.select().from(sessions).where(and(launched, inArray(sessions.status, ['queued', ...LIVE]))).orderBy(desc(sessions.createdAt)).all();
    const ended = this.db
      .select()
      .from(sessions)
      .where(and(launched, gte(sessions.endedAt, endedSince)))
      .orderBy(desc(sessions.endedAt))
      .limit(maxEnded)
      .all()
      .filter((r) => !LIVE.includes(r.status as SessionStatus) && r.status !== 'queued');
    return this.toSessions([...live, ...ended]);
  }

  /** What other services show of sessions (any source, removed ones included), by id. */
  factsOf(ids: readonly string[]): Map<string, SessionFacts> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = this.db
      .select({ id: sessions.id, title: sessions.title, cwd: sessions.cwd, status: sessions.status, activity: sessions.activity })
      .from(sessions)
      .where(inArray(sessions.id, unique))
      .all();
    return new Map(rows.map(({ id, ...facts }) => [id, facts]));
  }

  /** Rows as the contract's sessions, with the names their owners give projects, branches and profiles. */
  toSessions(rows: SessionRow[]): Session[] {
    const ids = (pick: (r: SessionRow) => string | null) => rows.map(pick).filter((x): x is string => x !== null);
    const projectNames = this.names.projects.namesOf(ids((r) => r.projectId));
    const branches = this.names.worktrees.branchesOf(ids((r) => r.worktreeId));
    const profileNames = this.names.profiles.namesOf(ids((r) => r.profileId));
    const now = this.clock();
    return rows.map((row) => {
      const status = ((SESSION_STATUSES as readonly string[]).includes(row.status) ? row.status : 'failed') as SessionStatus;
      return {
        id: row.id,
        source: row.source,
        agentKind: row.agentKind,
        projectId: row.projectId,
        projectName: row.projectId ? (projectNames.get(row.projectId) ?? null) : null,
        worktreeId: row.worktreeId,
        branch: row.worktreeId ? (branches.get(row.worktreeId) ?? null) : null,
        profileId: row.profileId,
        profileName: row.profileId ? (profileNames.get(row.profileId) ?? null) : null,
        title: row.title,
        status,
        statusDetail: row.statusDetail,
        activity: row.status === 'running' && (row.activity === 'working' || row.activity === 'waiting_for_input' || row.activity === 'idle') ? row.activity : null,
        cwd: row.cwd,
        agentSessionId: row.externalId,
        transcriptPath: row.transcriptPath,
        exitCode: row.exitCode,
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        endedAt: row.endedAt,
        durationMs: row.startedAt === null ? null : (row.endedAt ?? now) - row.startedAt,
      };
    });
  }

  private changed(row: SessionRow): void {
    this.events.emit('sessions:changed', { sessionId: row.id, projectId: row.projectId });
  }
}
