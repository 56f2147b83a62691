import { z } from 'zod';
import { isAbsolutePath } from './branch-name';
import { agentProfileInputSchema, agentProfileSchema, environmentSummarySchema, sessionSchema } from './domain/agent';
import { APPROVAL_STATUSES, RULE_SCOPES, approvalSchema, permissionRuleInputSchema, permissionRuleSchema } from './domain/approval';
import { projectConfigSchema, projectSchema } from './domain/project';
import { appSettingsSchema } from './domain/settings';
import { worktreeDiffSchema } from './domain/diff';
import { TASK_COLUMNS, taskInputSchema, taskSchema, verificationSchema } from './domain/task';
import { worktreeSchema } from './domain/worktree';
import { teamEnrollSchema, teamStatusSchema } from './domain/team';
import { CONTENT_LEVELS } from './sync/protocol';
import { editorsInfoSchema, openInRequestSchema, openTerminalRequestSchema } from './domain/ide';
import { noticeSchema } from './domain/notification';
import { statusSummarySchema } from './domain/status';
import { updateStatusSchema } from './domain/update';
import {
  TRANSCRIPT_SOURCES,
  fileProblemSchema,
  scanProgressSchema,
  sessionQuerySchema,
  sessionSummarySchema,
  timelineSchema,
  transcriptRootSchema,
  usageQuerySchema,
  sessionPageSchema,
  historyFacetsSchema,
  toolDetailSchema,
  usageReportSchema,
} from './domain/transcript';

const id = z.string().trim().min(1, 'id is required').max(64);
const empty = z.object({}).strict();

/** Facts about the running core, for the status bar and settings. */
export const appInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  platform: z.string(),
});

/** A branch name as typed by a user; git's own rules (and why a name breaks them) are checked in the core. */
const branchName = z
  .string()
  .trim()
  .min(1, 'Branch name is required')
  .max(200, 'Branch name is too long')
  .refine((b) => !b.startsWith('-'), 'Branch name may not start with "-"');

/**
 * Every request channel: `'<domain>:<verb>'` -> request and response schemas.
 * The main router, the preload client and the web client are all derived from this map.
 */
export const channels = {
  'app:info': { request: empty, response: appInfoSchema },

  'settings:get': { request: empty, response: appSettingsSchema },
  'settings:update': { request: appSettingsSchema.partial().strict(), response: appSettingsSchema },

  'projects:add': {
    request: z
      .object({
        path: z
          .string()
          .trim()
          .min(1, 'Path is required')
          .max(4096)
          .refine(isAbsolutePath, 'Give the repository\'s absolute path (for example /home/you/code/app); a relative path would depend on where Pitwall was started'),
      })
      .strict(),
    response: projectSchema,
  },
  'projects:list': { request: empty, response: z.array(projectSchema) },
  'projects:get': { request: z.object({ id }).strict(), response: projectSchema },
  'projects:update': {
    request: z
      .object({
        id,
        name: z.string().trim().min(1, 'Name is required').max(200).optional(),
        config: projectConfigSchema.partial().optional(),
      })
      .strict(),
    response: projectSchema,
  },
  'projects:remove': { request: z.object({ id }).strict(), response: z.object({ id: z.string() }) },

  'worktrees:create': {
    request: z.object({ projectId: id, branch: branchName, base: z.string().trim().min(1).max(255).optional() }).strict(),
    response: worktreeSchema,
  },
  'worktrees:list': { request: z.object({ projectId: id }).strict(), response: z.array(worktreeSchema) },
  /**
   * Refused with `agent_running` while a session runs in the worktree unless `stopAgents`, and with
   * `dirty_worktree` when it has uncommitted changes unless `force` (they are then snapshotted).
   */
  'worktrees:remove': {
    request: z.object({ worktreeId: id, force: z.boolean().optional(), stopAgents: z.boolean().optional() }).strict(),
    response: worktreeSchema,
  },
  'worktrees:restore': { request: z.object({ worktreeId: id }).strict(), response: worktreeSchema },

  /** The worktree against its base (merge-base): committed, staged, unstaged and untracked. */
  'diffs:get': { request: z.object({ worktreeId: id }).strict(), response: worktreeDiffSchema },

  'tasks:create': { request: taskInputSchema.strict(), response: taskSchema },
  'tasks:list': { request: z.object({ projectId: id.optional() }).strict(), response: z.array(taskSchema) },
  'tasks:get': { request: z.object({ id }).strict(), response: taskSchema },
  'tasks:update': { request: taskInputSchema.omit({ projectId: true }).partial().extend({ id }).strict(), response: taskSchema },
  'tasks:move': { request: z.object({ id, column: z.enum(TASK_COLUMNS), index: z.number().int().min(0) }).strict(), response: taskSchema },
  'tasks:remove': { request: z.object({ id }).strict(), response: z.object({ id: z.string() }) },
  /** Creates the task's worktree and starts its agent with the task as the prompt. */
  'tasks:start': { request: z.object({ id }).strict(), response: taskSchema },
  /** The gate: land the branch on the base (refused with the reason on conflicts or a dirty base checkout). */
  'tasks:approve': {
    request: z.object({ id, strategy: z.enum(['merge', 'squash', 'rebase']).optional(), message: z.string().max(10_000).optional() }).strict(),
    response: taskSchema,
  },
  /** The gate: send the reason back to the agent as its next prompt. */
  'tasks:reject': { request: z.object({ id, reason: z.string().trim().min(1, 'Say why').max(20_000) }).strict(), response: taskSchema },
  /** Whether a GitHub pull request can replace the local merge (gh installed, GitHub remote). */
  'tasks:pr-option': { request: z.object({ id }).strict(), response: z.object({ available: z.boolean(), reason: z.string() }) },
  'tasks:open-pr': { request: z.object({ id }).strict(), response: taskSchema },
  'tasks:verifications': { request: z.object({ id }).strict(), response: z.array(verificationSchema) },

  'profiles:list': { request: empty, response: z.array(agentProfileSchema) },
  'profiles:create': { request: agentProfileInputSchema.strict(), response: agentProfileSchema },
  'profiles:update': { request: agentProfileInputSchema.partial().extend({ id }).strict(), response: agentProfileSchema },
  'profiles:remove': { request: z.object({ id }).strict(), response: z.object({ id: z.string() }) },
  /** Puts a built-in profile back as installed. */
  'profiles:reset': { request: z.object({ id }).strict(), response: agentProfileSchema },
  /** The names (never the values) of the variables agents start with, and where they came from; `refresh` asks the login shell again. */
  'profiles:environment': { request: z.object({ refresh: z.boolean().optional() }).strict(), response: environmentSummarySchema },

  'sessions:start': {
    request: z
      .object({
        projectId: id,
        profileId: id,
        /** Run in this worktree; without it (and without newWorktree) the project's main checkout. */
        worktreeId: id.optional(),
        /** Create a worktree on this new branch first. */
        newWorktree: z.object({ branch: branchName, base: z.string().trim().min(1).max(255).optional() }).strict().optional(),
        prompt: z.string().max(100_000).optional(),
        title: z.string().trim().max(200).optional(),
        cols: z.number().int().min(20).max(1000).default(120),
        rows: z.number().int().min(5).max(500).default(32),
      })
      .strict()
      .refine((r) => !(r.worktreeId && r.newWorktree), 'Choose an existing worktree or a new one, not both'),
    response: sessionSchema,
  },
  'sessions:input': { request: z.object({ sessionId: id, data: z.string().min(1).max(1_000_000) }).strict(), response: z.object({}) },
  'sessions:resize': {
    request: z.object({ sessionId: id, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict(),
    response: z.object({}),
  },
  'sessions:stop': { request: z.object({ sessionId: id }).strict(), response: sessionSchema },
  'sessions:restart': { request: z.object({ sessionId: id }).strict(), response: sessionSchema },
  'sessions:list': { request: z.object({ projectId: id.optional() }).strict(), response: z.array(sessionSchema) },
  'sessions:get': { request: z.object({ sessionId: id }).strict(), response: sessionSchema },
  /** The kept terminal output, and the stream offset it ends at (live output continues from there). */
  'approvals:list': {
    request: z.object({ status: z.enum(APPROVAL_STATUSES).optional(), sessionId: id.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    response: z.array(approvalSchema),
  },
  'approvals:decide': {
    request: z
      .object({ id, decision: z.enum(['allow', 'deny']), reason: z.string().max(10_000).optional(), remember: z.enum(RULE_SCOPES).optional() })
      .strict(),
    response: approvalSchema,
  },
  'rules:list': { request: empty, response: z.array(permissionRuleSchema) },
  'rules:create': { request: permissionRuleInputSchema.strict(), response: permissionRuleSchema },
  'rules:remove': { request: z.object({ id }).strict(), response: z.object({ id: z.string() }) },
  /** The audit of a session's tool calls, newest first. */
  'audit:list': {
    request: z.object({ sessionId: id, limit: z.number().int().min(1).max(5000).optional() }).strict(),
    response: z.array(
      z.object({
        id: z.string(),
        sessionId: z.string(),
        toolName: z.string(),
        input: z.unknown(),
        status: z.string(),
        decision: z.string().nullable(),
        decidedBy: z.string().nullable(),
        reason: z.string().nullable(),
        outputSummary: z.string().nullable(),
        /** The whole output, when it was too long for the summary. */
        outputFile: z.string().nullable(),
        durationMs: z.number().nullable(),
        turn: z.number().nullable(),
        createdAt: z.number(),
      }),
    ),
  },
  'sessions:scrollback': { request: z.object({ sessionId: id }).strict(), response: z.object({ data: z.string(), offset: z.number() }) },
  /** Sessions of every source, filtered, with full-text search over their messages. */
  'history:sessions': { request: sessionQuerySchema, response: z.array(sessionSummarySchema) },
  'history:list': { request: sessionQuerySchema, response: sessionPageSchema },
  'history:facets': { request: empty, response: historyFacetsSchema },
  'history:tool': { request: z.object({ sessionId: id, id: z.string().min(1).max(200) }).strict(), response: toolDetailSchema },
  'history:timeline': { request: z.object({ sessionId: id }).strict(), response: timelineSchema },
  'history:usage': { request: usageQuerySchema, response: usageReportSchema },
  'transcripts:roots': { request: empty, response: z.array(transcriptRootSchema) },
  'transcripts:update-root': {
    request: z
      .object({
        source: z.enum(TRANSCRIPT_SOURCES),
        path: z.string().trim().min(1, 'A folder is required').max(4096).refine((p) => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p), 'Give an absolute path'),
        enabled: z.boolean().optional(),
        remove: z.boolean().optional(),
      })
      .strict(),
    response: z.array(transcriptRootSchema),
  },
  'transcripts:progress': { request: empty, response: scanProgressSchema.nullable() },
  'transcripts:problems': { request: empty, response: z.array(fileProblemSchema) },

  /** The team connection and the push loop's health. */
  'team:status': { request: empty, response: teamStatusSchema },
  /** Joins a team with the server URL and a one-time enrollment code; nothing is pushed until a project is turned on. */
  'team:enroll': { request: teamEnrollSchema, response: teamStatusSchema },
  /** Forgets the team: the device token, the cursors and everything waiting to be pushed. */
  'team:leave': { request: empty, response: teamStatusSchema },
  /** Turns a project on (its rows are back-filled, then followed) or off for the team. */
  'team:set-project': { request: z.object({ projectId: id, enabled: z.boolean() }).strict(), response: teamStatusSchema },
  'team:update': {
    request: z.object({ contentLevel: z.enum(CONTENT_LEVELS).optional(), paused: z.boolean().optional(), allowInsecureHttp: z.boolean().optional() }).strict(),
    response: teamStatusSchema,
  },
  /** Pushes now instead of waiting for the next attempt. */
  'team:push-now': { request: empty, response: teamStatusSchema },
  /** The counts behind the tray icon, the page title and its favicon badge. */
  'status:get': { request: empty, response: statusSummarySchema },
  /** The editors and terminal "Open in" found here (login shell PATH, then usual install locations). */
  'ide:list': { request: z.object({ refresh: z.boolean().optional() }).strict(), response: editorsInfoSchema },
  /** Opens a worktree's or session's folder, or a file in it at a line, in an editor (the preferred one by default). */
  'ide:open': { request: openInRequestSchema, response: z.object({ editor: z.string(), atLine: z.boolean() }) },
  'ide:open-terminal': { request: openTerminalRequestSchema, response: z.object({ terminal: z.string() }) },
  /** The desktop app's update state (the headless shell answers `unsupported`). */
  'updates:status': { request: empty, response: updateStatusSchema },
  'updates:check': { request: empty, response: updateStatusSchema },
  /** Restarts into a downloaded update; with agents running, `agents` must say whether they keep running. */
  'updates:install': { request: z.object({ agents: z.enum(['keep', 'stop']).optional() }).strict(), response: updateStatusSchema },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/**
 * Every main -> renderer event and its payload. Events say what changed; clients re-read through
 * channels, so a missed event costs a stale view until the next one, never wrong data.
 */
export const events = {
  'settings:changed': z.object({}),
  'projects:changed': z.object({ projectId: z.string().nullable() }),
  'worktrees:changed': z.object({ projectId: z.string(), worktreeId: z.string().nullable() }),
  /** A worktree's files changed: read its diff again. */
  'diffs:changed': z.object({ worktreeId: z.string() }),
  'tasks:changed': z.object({ taskId: z.string(), projectId: z.string() }),
  'profiles:changed': z.object({ profileId: z.string().nullable() }),
  'approvals:changed': z.object({ approvalId: z.string(), sessionId: z.string().nullable(), pending: z.number() }),
  /** A tool call waits for a person: shells raise an OS (or web) notification. */
  'approvals:requested': z.object({ approvalId: z.string(), sessionId: z.string().nullable(), toolName: z.string(), summary: z.string() }),
  'rules:changed': z.object({ ruleId: z.string() }),
  'sessions:changed': z.object({ sessionId: z.string(), projectId: z.string().nullable() }),
  /** Transcript files added rows to these sessions. */
  'transcripts:changed': z.object({ sessionIds: z.array(z.string()) }),
  'transcripts:progress': scanProgressSchema,
  /** The push loop's status changed (queue, last success or error, state). */
  'team:status': teamStatusSchema,
  /** Terminal output of a running session; `offset` is the stream position of its first byte. */
  'sessions:output': z.object({ sessionId: z.string(), offset: z.number(), data: z.string() }),
  /** The status counts changed (tray, page title, favicon badge). */
  'status:changed': statusSummarySchema,
  /** Something worth a notification happened; each shell raises it unless it is already on screen. */
  'notifications:notice': noticeSchema,
  'updates:changed': updateStatusSchema,
} as const satisfies Record<string, z.ZodType>;

/** A request channel name. */
export type Channel = keyof typeof channels;
/** The request type of a channel. */
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
/** The parsed request type of a channel, as handlers see it. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
/** The response type of a channel. */
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;
/** An event name. */
export type EventName = keyof typeof events;
/** The payload type of an event. */
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** All channel names, in contract order. */
export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
/** All event names. */
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** True when `name` is a channel of the contract. */
export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

/** True when `name` is an event of the contract. */
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
