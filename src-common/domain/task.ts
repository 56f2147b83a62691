import { z } from 'zod';

/** The board's columns, in order. */
export const TASK_COLUMNS = ['backlog', 'in_progress', 'waiting_approval', 'verified'] as const;
/** One of {@link TASK_COLUMNS}. */
export type TaskColumn = (typeof TASK_COLUMNS)[number];
/** Each column as the board names it; chips and messages use the same words. */
export const COLUMN_WORDS: Record<TaskColumn, string> = { backlog: 'Backlog', in_progress: 'In progress', waiting_approval: 'Waiting for approval', verified: 'Verified' };

/** A run of the project's verify command. */
export const verificationSchema = z.object({
  id: z.string(),
  command: z.string(),
  status: z.enum(['running', 'passed', 'failed']),
  exitCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  outputTail: z.string().nullable(),
  outputFile: z.string().nullable(),
  createdAt: z.number(),
});
/** A verification run. */
export type Verification = z.infer<typeof verificationSchema>;

/** A unit of work handed to an agent. */
export const taskSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  profileId: z.string().nullable(),
  worktreeId: z.string().nullable(),
  branch: z.string().nullable(),
  sessionId: z.string().nullable(),
  sessionStatus: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  labels: z.array(z.string()),
  column: z.enum(TASK_COLUMNS),
  position: z.number(),
  rejectionCount: z.number().int(),
  approvedBy: z.string().nullable(),
  approvedAt: z.number().nullable(),
  diffSummary: z.object({ files: z.number(), additions: z.number(), deletions: z.number() }).nullable(),
  gateDetail: z.string().nullable(),
  verification: verificationSchema.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** A task. */
export type Task = z.infer<typeof taskSchema>;

/** Editable fields of a task. */
export const taskInputSchema = z.object({
  projectId: z.string().min(1),
  title: z.string().trim().min(1, 'Title is required').max(300),
  description: z.string().max(50_000).default(''),
  labels: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  profileId: z.string().nullable().default(null),
});
