import { z } from 'zod';

/** An editor found on this machine. */
export const editorInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  family: z.enum(['vscode', 'zed', 'jetbrains', 'sublime', 'system']),
  /** Whether it opens a file at a line (the system opener does not). */
  atLine: z.boolean(),
});
/** An editor found on this machine. */
export type EditorInfo = z.infer<typeof editorInfoSchema>;

/** What "Open in" can offer here. */
export const editorsInfoSchema = z.object({
  editors: z.array(editorInfoSchema),
  terminal: z.object({ name: z.string() }).nullable(),
  /** The editor a plain click uses. */
  preferred: z.string().nullable(),
});
/** What "Open in" can offer here. */
export type EditorsInfo = z.infer<typeof editorsInfoSchema>;

const targetId = z.string().trim().min(1).max(64);

/** Open a worktree's or session's folder, or a file in it (relative path) at a line. */
export const openInRequestSchema = z
  .object({
    editorId: z.string().trim().min(1).max(100).optional(),
    worktreeId: targetId.optional(),
    sessionId: targetId.optional(),
    path: z.string().trim().min(1).max(4096).optional(),
    line: z.number().int().min(1).max(10_000_000).optional(),
    column: z.number().int().min(1).max(100_000).optional(),
  })
  .strict()
  .refine((r) => (r.worktreeId === undefined) !== (r.sessionId === undefined), 'Name a worktree or a session (one of them)');
/** An "Open in" request. */
export type OpenInRequest = z.infer<typeof openInRequestSchema>;

/** Open a terminal in a worktree's or session's folder. */
export const openTerminalRequestSchema = z
  .object({ worktreeId: targetId.optional(), sessionId: targetId.optional() })
  .strict()
  .refine((r) => (r.worktreeId === undefined) !== (r.sessionId === undefined), 'Name a worktree or a session (one of them)');
