import { z } from 'zod';

/** Team sync as the status model sees it; the sync service feeds it ('off' until it does). */
export const SYNC_STATES = ['off', 'ok', 'pushing', 'failing'] as const;
/** One of {@link SYNC_STATES}. */
export type SyncState = (typeof SYNC_STATES)[number];

/** Team sync's state and, when there is one, what it is doing or why it fails. */
export const syncStatusSchema = z.object({ state: z.enum(SYNC_STATES), detail: z.string().nullable() });
/** Team sync's state. */
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/**
 * Pitwall's state at a glance, most urgent first: something needs the person, sync is failing,
 * agents are running, nothing is going on.
 */
export const STATUS_STATES = ['attention', 'sync-failing', 'running', 'idle'] as const;
/** One of {@link STATUS_STATES}. */
export type StatusState = (typeof STATUS_STATES)[number];

/** The counts behind the tray icon, the page title and the favicon badge. */
export const statusSummarySchema = z.object({
  state: z.enum(STATUS_STATES),
  pendingApprovals: z.number().int().min(0),
  waitingForInput: z.number().int().min(0),
  reviewTasks: z.number().int().min(0),
  runningAgents: z.number().int().min(0),
  /** What waits for the person: approvals, agents waiting for input and tasks to review. */
  attention: z.number().int().min(0),
  sync: syncStatusSchema,
});
/** The status summary. */
export type StatusSummary = z.infer<typeof statusSummarySchema>;
