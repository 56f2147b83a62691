import { SYNC_TABLE_NAMES, type SyncTable } from '../src-common/sync/tables';

// Which rows may leave the machine, as SQL over the local tables. One definition serves the
// outbox triggers (nothing accumulates for projects that are off), the batch builder (checked
// again when a batch is cut) and the back-fills (a project's rows when it is turned on).

const sessionProject = (alias: string) => `(SELECT s.project_id FROM sessions s WHERE s.id = ${alias}.session_id)`;
const taskProject = (alias: string) => `(SELECT k.project_id FROM tasks k WHERE k.id = ${alias}.task_id)`;

/** SQL for the project a row belongs to (NULL for rows of no project). */
export function projectOf(table: SyncTable, alias: string): string {
  switch (table) {
    case 'machines':
      return 'NULL';
    case 'projects':
      return `${alias}.id`;
    case 'workspaces':
    case 'worktrees':
    case 'tasks':
    case 'sessions':
      return `${alias}.project_id`;
    case 'approvals':
    case 'permission_rules':
      return `coalesce(${alias}.project_id, ${sessionProject(alias)})`;
    case 'agent_runs':
      return `coalesce(${sessionProject(alias)}, ${taskProject(alias)})`;
    case 'verification_runs':
      return taskProject(alias);
    case 'messages':
    case 'tool_calls':
    case 'usage_records':
      return sessionProject(alias);
    case 'events':
      return `(SELECT s.project_id FROM sessions s WHERE ${alias}.subject_table = 'sessions' AND s.id = ${alias}.subject_id)`;
  }
}

/** SQL true for rows that belong to no project but go with any synced one (this machine, global rules). */
function globalRow(table: SyncTable, alias: string): string | null {
  if (table === 'machines') return '1';
  if (table === 'permission_rules') return `(${alias}.project_id IS NULL AND ${alias}.session_id IS NULL)`;
  return null;
}

// A device removed from its team pushes nothing again: its projects count as off, so the outbox
// triggers stop writing (until the person leaves the team and joins again).
const SYNCED_PROJECTS = '(SELECT project_id FROM sync_projects WHERE NOT EXISTS (SELECT 1 FROM sync_team WHERE removed_at IS NOT NULL))';
const ANY_SYNCED = `EXISTS ${SYNCED_PROJECTS}`;

/** SQL true when a row is in the team's scope now: its project is turned on. */
export function inScope(table: SyncTable, alias: string): string {
  const own = `${projectOf(table, alias)} IN ${SYNCED_PROJECTS}`;
  const global = globalRow(table, alias);
  return global ? `(${own} OR (${global} AND ${ANY_SYNCED}))` : `(${own})`;
}

/** SQL true for the rows a back-fill of one project covers (`?` is the project id). */
export function inProject(table: SyncTable, alias: string): string {
  const global = globalRow(table, alias);
  return global ? `(${projectOf(table, alias)} = ? OR (${global} AND ? IS NOT NULL))` : `(${projectOf(table, alias)} = ?)`;
}

/** Tables with a `session_id`: a session that joins a synced project later brings these rows along. */
export const SESSION_CHILD_TABLES: SyncTable[] = SYNC_TABLE_NAMES.filter((t) =>
  ['messages', 'tool_calls', 'approvals', 'permission_rules', 'agent_runs', 'usage_records'].includes(t),
);

/** Number of `?` parameters {@link inProject} takes for a table (the project id, once or twice). */
export function inProjectParams(table: SyncTable): number {
  return globalRow(table, 'x') ? 2 : 1;
}
