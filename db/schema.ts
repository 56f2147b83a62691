import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Timestamps are UTC epoch milliseconds. Synced rows carry a UUIDv7 `id` made on this device.

const syncedColumns = () => ({
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Mutable synced rows: `version` is bumped on every update; deletes are `deleted_at` (they replicate). */
const mutableColumns = () => ({
  ...syncedColumns(),
  version: integer('version').notNull().default(1),
  deletedAt: integer('deleted_at'),
});

/** Append-only synced rows: the table is its own log, ordered by the local `seq`. */
// Column builders are stateful in drizzle, so every table gets fresh ones.
const appendOnlyColumns = () => ({
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const projects = sqliteTable(
  'projects',
  {
    ...mutableColumns(),
    name: text('name').notNull(),
    path: text('path').notNull(),
    /** JSON of ProjectConfig, validated with zod on read and write. */
    config: text('config').notNull(),
  },
  (t) => [uniqueIndex('projects_path_unique').on(t.path)],
);

export const machines = sqliteTable('machines', {
  ...mutableColumns(),
  hostname: text('hostname').notNull(),
  platform: text('platform').notNull(),
  isLocal: integer('is_local', { mode: 'boolean' }).notNull().default(false),
});

/** A folder an IDE or agent worked in (VS Code workspace storage, a Claude Code project dir). */
export const workspaces = sqliteTable(
  'workspaces',
  {
    ...mutableColumns(),
    machineId: text('machine_id').references(() => machines.id),
    projectId: text('project_id').references(() => projects.id),
    source: text('source').notNull(),
    externalId: text('external_id'),
    folder: text('folder'),
  },
  (t) => [index('workspaces_project_idx').on(t.projectId)],
);

export const worktrees = sqliteTable(
  'worktrees',
  {
    ...mutableColumns(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    branch: text('branch').notNull(),
    baseRef: text('base_ref').notNull(),
    path: text('path').notNull(),
    status: text('status').notNull(),
    error: text('error'),
    external: integer('external', { mode: 'boolean' }).notNull().default(false),
    initLog: text('init_log'),
    snapshotRef: text('snapshot_ref'),
  },
  (t) => [index('worktrees_project_idx').on(t.projectId)],
);

export const agentProfiles = sqliteTable('agent_profiles', {
  ...mutableColumns(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  command: text('command').notNull(),
  args: text('args').notNull().default('[]'),
  env: text('env').notNull().default('{}'),
  model: text('model'),
  permissionMode: text('permission_mode').notNull().default('supervised'),
  /** argument | stdin | typed | none: how a session's first prompt reaches the agent. */
  promptMode: text('prompt_mode').notNull().default('argument'),
  builtIn: integer('built_in', { mode: 'boolean' }).notNull().default(false),
});

export const tasks = sqliteTable(
  'tasks',
  {
    ...mutableColumns(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    profileId: text('profile_id').references(() => agentProfiles.id),
    worktreeId: text('worktree_id').references(() => worktrees.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    labels: text('labels').notNull().default('[]'),
    column: text('column').notNull().default('backlog'),
    position: real('position').notNull().default(0),
    rejectionCount: integer('rejection_count').notNull().default(0),
    approvedBy: text('approved_by'),
    approvedAt: integer('approved_at'),
    /** The agent session working on it now (the latest one). */
    sessionId: text('session_id'),
    /** JSON: files changed, lines added and removed, when it last reached waiting_approval. */
    diffSummary: text('diff_summary'),
    /** What the gate did last, in words (merged as abc123, refused: conflicts in …). */
    gateDetail: text('gate_detail'),
  },
  (t) => [index('tasks_project_column_idx').on(t.projectId, t.column, t.position)],
);

/** One table for every session: launched here, or ingested from a chat-session file. */
export const sessions = sqliteTable(
  'sessions',
  {
    ...mutableColumns(),
    source: text('source').notNull(),
    agentKind: text('agent_kind').notNull(),
    projectId: text('project_id').references(() => projects.id),
    worktreeId: text('worktree_id').references(() => worktrees.id),
    workspaceId: text('workspace_id').references(() => workspaces.id),
    machineId: text('machine_id').references(() => machines.id),
    taskId: text('task_id').references(() => tasks.id),
    profileId: text('profile_id').references(() => agentProfiles.id),
    externalId: text('external_id'),
    title: text('title'),
    status: text('status').notNull(),
    statusDetail: text('status_detail'),
    /** What the agent is doing inside a running session: working, waiting_for_input, idle (from its hooks). */
    activity: text('activity'),
    prompt: text('prompt'),
    cwd: text('cwd'),
    models: text('models').notNull().default('[]'),
    transcriptPath: text('transcript_path'),
    exitCode: integer('exit_code'),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
  },
  (t) => [
    index('sessions_project_idx').on(t.projectId),
    index('sessions_started_idx').on(t.startedAt),
    uniqueIndex('sessions_source_external_unique').on(t.source, t.externalId),
    // The ingest finds a file's session by the agent's id for every batch, whatever the source.
    index('sessions_external_idx').on(t.externalId, t.agentKind, t.createdAt),
    // Live sessions (`status IN (...)`) at start-up, for the slot count and the status model.
    index('sessions_status_idx').on(t.status),
    // History lists newest first by this very expression; the index hands rows over in order.
    index('sessions_recent_idx').on(sql`coalesce(${t.endedAt}, ${t.startedAt}, ${t.createdAt})`),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    ...appendOnlyColumns(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    role: text('role').notNull(),
    text: text('text').notNull().default(''),
    sequence: integer('sequence').notNull(),
    timestamp: integer('timestamp'),
    externalId: text('external_id'),
    model: text('model'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    /** `text` or `thinking` (shown collapsed). */
    kind: text('kind').notNull().default('text'),
    /** The usage record this message's tokens are counted in (several rows can share one API response). */
    usageKey: text('usage_key'),
  },
  (t) => [
    index('messages_session_idx').on(t.sessionId, t.sequence),
    uniqueIndex('messages_session_external_unique').on(t.sessionId, t.externalId),
  ],
);

export const toolCalls = sqliteTable(
  'tool_calls',
  {
    ...appendOnlyColumns(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    messageId: text('message_id'),
    externalId: text('external_id'),
    name: text('name').notNull(),
    input: text('input').notNull().default('{}'),
    outputSummary: text('output_summary'),
    outputFile: text('output_file'),
    status: text('status').notNull(),
    decision: text('decision'),
    decidedBy: text('decided_by'),
    /** Why: the rule that matched, the mode, or the person's reason. */
    reason: text('reason'),
    durationMs: integer('duration_ms'),
    turn: integer('turn'),
  },
  (t) => [index('tool_calls_session_idx').on(t.sessionId), index('tool_calls_external_idx').on(t.sessionId, t.externalId, t.status)],
);

export const approvals = sqliteTable(
  'approvals',
  {
    ...mutableColumns(),
    sessionId: text('session_id').references(() => sessions.id),
    projectId: text('project_id').references(() => projects.id),
    worktreeId: text('worktree_id').references(() => worktrees.id),
    toolName: text('tool_name').notNull(),
    input: text('input').notNull().default('{}'),
    preview: text('preview'),
    status: text('status').notNull(),
    decision: text('decision'),
    reason: text('reason'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    waitedMs: integer('waited_ms'),
    /** The agent's id for this tool call (Claude Code's tool_use_id). */
    toolUseId: text('tool_use_id'),
  },
  // The tool-use index finds the approval a re-asked hook call waited on (every PreToolUse looks).
  (t) => [
    index('approvals_status_idx').on(t.status),
    index('approvals_tool_use_idx').on(t.sessionId, t.toolUseId),
    // The Approvals page lists the newest first, limited.
    index('approvals_created_idx').on(t.createdAt),
  ],
);

export const permissionRules = sqliteTable('permission_rules', {
  ...mutableColumns(),
  effect: text('effect').notNull(),
  toolName: text('tool_name').notNull(),
  pattern: text('pattern'),
  scope: text('scope').notNull(),
  projectId: text('project_id').references(() => projects.id),
  sessionId: text('session_id').references(() => sessions.id),
});

export const agentRuns = sqliteTable('agent_runs', {
  ...mutableColumns(),
  sessionId: text('session_id').references(() => sessions.id),
  taskId: text('task_id').references(() => tasks.id),
  kind: text('kind').notNull(),
  command: text('command'),
  status: text('status').notNull(),
  exitCode: integer('exit_code'),
  durationMs: integer('duration_ms'),
  outputFile: text('output_file'),
});

/** A run of the project's verify command in a task's worktree. */
export const verificationRuns = sqliteTable(
  'verification_runs',
  {
    ...mutableColumns(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    command: text('command').notNull(),
    status: text('status').notNull(),
    exitCode: integer('exit_code'),
    durationMs: integer('duration_ms'),
    outputFile: text('output_file'),
    /** The last lines of the output, for the card. */
    outputTail: text('output_tail'),
  },
  // A task's runs newest first, and each task's latest for the board, without sorting.
  (t) => [index('verification_runs_task_created_idx').on(t.taskId, t.createdAt)],
);

/** Time-ordered facts (append-only): what happened, to what, when. */
export const events = sqliteTable(
  'events',
  {
    ...appendOnlyColumns(),
    type: text('type').notNull(),
    subjectTable: text('subject_table'),
    subjectId: text('subject_id'),
    at: integer('at').notNull(),
    data: text('data').notNull().default('{}'),
  },
  (t) => [index('events_at_idx').on(t.at)],
);

// Local-only tables below: never synced.

/** Ingest cursor per chat-session file. */
export const transcriptFiles = sqliteTable('transcript_files', {
  path: text('path').primaryKey(),
  source: text('source').notNull(),
  size: integer('size').notNull().default(0),
  mtimeMs: integer('mtime_ms').notNull().default(0),
  inode: integer('inode'),
  offset: integer('offset').notNull().default(0),
  lastLineHash: text('last_line_hash'),
  sessionId: text('session_id').references(() => sessions.id),
  problems: text('problems').notNull().default('[]'),
  updatedAt: integer('updated_at').notNull(),
  /** Hash of the file's first bytes: when it changes the file was replaced and is read again from the start. */
  headHash: text('head_hash'),
  /** The parser's state after `offset` (JSON), so an append continues exactly where the last read stopped. */
  state: text('state').notNull().default('{}'),
  /** `ok`, `retrying` (a rewrite caught half-written), or `problem`. */
  status: text('status').notNull().default('ok'),
  problemCount: integer('problem_count').notNull().default(0),
});

/** Token counts of a response or a rollup. */
const tokenColumns = () => ({
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
  cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
});

/** Token usage per API response, deduplicated by key (local, derived from transcripts). */
export const usageRecords = sqliteTable(
  'usage_records',
  {
    key: text('key').primaryKey(),
    sessionId: text('session_id').notNull(),
    day: text('day').notNull(),
    agentKind: text('agent_kind').notNull(),
    model: text('model').notNull(),
    projectKey: text('project_key').notNull(),
    ...tokenColumns(),
    /** When the response was made (epoch ms): its day in the configured zone, and which of two sightings is the earliest. Null on rows from before it was kept. */
    at: integer('at'),
    /** 1 when this sighting is a copy in a side conversation (Claude's sidechain); the main conversation's wins. */
    sidechain: integer('sidechain').notNull().default(0),
  },
  (t) => [index('usage_records_session_idx').on(t.sessionId)],
);

/** Rollup of usage_records per day, agent kind, model and project, kept in step on every write. */
export const usageDaily = sqliteTable(
  'usage_daily',
  {
    day: text('day').notNull(),
    agentKind: text('agent_kind').notNull(),
    model: text('model').notNull(),
    projectKey: text('project_key').notNull(),
    ...tokenColumns(),
    responses: integer('responses').notNull().default(0),
  },
  (t) => [uniqueIndex('usage_daily_key').on(t.day, t.agentKind, t.model, t.projectKey)],
);

/**
 * Per-session counts, kept in step with messages and tool_calls by triggers (migration
 * session_totals) so the history list never counts rows per request. Local only: not synced.
 */
export const sessionCounts = sqliteTable('session_counts', {
  sessionId: text('session_id').primaryKey(),
  messages: integer('messages').notNull().default(0),
  toolCalls: integer('tool_calls').notNull().default(0),
});

/** Per-session, per-model token totals, kept in step with usage_records by triggers. Local only. */
export const sessionUsage = sqliteTable(
  'session_usage',
  {
    sessionId: text('session_id').notNull(),
    model: text('model').notNull(),
    ...tokenColumns(),
    responses: integer('responses').notNull().default(0),
    /** Bounds of the days the session used this model on (they only widen). */
    firstDay: text('first_day'),
    lastDay: text('last_day'),
  },
  (t) => [uniqueIndex('session_usage_key').on(t.sessionId, t.model)],
);

/**
 * Sessions whose totals wait to be counted again: while a first scan defers the per-row totals
 * triggers (migration session_totals_catch_up), every row written marks its session here instead.
 * Local only.
 */
export const sessionTotalsPending = sqliteTable('session_totals_pending', {
  sessionId: text('session_id').primaryKey(),
});

/** Facts about the transcript store itself (the zone the usage rollup was built in), owned by the transcript service. */
export const transcriptState = sqliteTable('transcript_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** The local cursor per stream: everything up to `acked_seq` is durable on the team server. */
export const syncState = sqliteTable('sync_state', {
  stream: text('stream').primaryKey(),
  ackedSeq: integer('acked_seq').notNull().default(0),
  lastError: text('last_error'),
  lastSuccessAt: integer('last_success_at'),
  /** A back-fill stream ends here (the table's last `seq` when the back-fill began); null for live streams. */
  upToSeq: integer('up_to_seq'),
});

/** The team this device is enrolled in: one row, local only (it holds the device token). */
export const syncTeam = sqliteTable('sync_team', {
  id: integer('id').primaryKey(),
  serverUrl: text('server_url').notNull(),
  orgId: text('org_id').notNull(),
  orgName: text('org_name').notNull(),
  deviceId: text('device_id').notNull(),
  deviceToken: text('device_token').notNull(),
  /** What the team allows: `everything` or `metadata`. */
  orgContentLevel: text('org_content_level').notNull().default('everything'),
  /** What this person chose (never more than the team allows). */
  contentLevel: text('content_level').notNull().default('everything'),
  allowInsecureHttp: integer('allow_insecure_http', { mode: 'boolean' }).notNull().default(false),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  /** Set when the server said this device was revoked. */
  removedAt: integer('removed_at'),
  enrolledAt: integer('enrolled_at').notNull(),
});

/** Projects the person turned on for the team: only their rows leave the machine. */
export const syncProjects = sqliteTable('sync_projects', {
  projectId: text('project_id')
    .primaryKey()
    .references(() => projects.id),
  enabledAt: integer('enabled_at').notNull(),
});

/**
 * Back-fills waiting to start: rows that came into scope after they were written (a project turned
 * on, a session that found its project later). Processed by the push loop, then deleted.
 */
export const syncBackfills = sqliteTable('sync_backfills', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** `project` or `session`. */
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  createdAt: integer('created_at').notNull(),
  /** When its mutable rows were copied to the outbox and its streams were opened; it is deleted when they end. */
  startedAt: integer('started_at'),
});

/** Full-row snapshots of mutable tables, written by triggers in the same transaction as the change. */
// Only rows of projects turned on for a team are written here (the triggers check the scope).
export const syncOutbox = sqliteTable(
  'sync_outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    op: text('op').notNull(),
    rowJson: text('row_json').notNull(),
    rowVersion: integer('row_version').notNull(),
    createdAt: integer('created_at').notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`),
  },
  (t) => [index('sync_outbox_tbl_seq_idx').on(t.tbl, t.seq)],
);

/** Tables whose rows are immutable (a trigger refuses updates): each is its own log, ordered by the local `seq`. */
export const APPEND_ONLY_TABLES = ['messages', 'tool_calls', 'events'] as const;
