import { z } from 'zod';

/** One line of a hunk. */
export const diffLineSchema = z.object({
  kind: z.enum(['context', 'add', 'del']),
  oldNo: z.number().int().nullable(),
  newNo: z.number().int().nullable(),
  text: z.string(),
});

/** A hunk of a file's diff. */
export const diffHunkSchema = z.object({
  header: z.string(),
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  lines: z.array(diffLineSchema),
});

/** One file's change. */
export const diffFileSchema = z.object({
  oldPath: z.string().nullable(),
  newPath: z.string().nullable(),
  status: z.enum(['added', 'deleted', 'modified', 'renamed', 'copied']),
  binary: z.boolean(),
  oldMode: z.string().nullable(),
  newMode: z.string().nullable(),
  additions: z.number().int(),
  deletions: z.number().int(),
  /** Lock files and generated files start collapsed. */
  collapsed: z.boolean(),
  hunks: z.array(diffHunkSchema),
});
/** One file's change. */
export type DiffFile = z.infer<typeof diffFileSchema>;

/** A change that looks like a secret (a `.env` the agent added, a key in a line), for the reviewer's attention. */
export const secretWarningSchema = z.object({ path: z.string(), reason: z.string() });
/** A secret warning. */
export type SecretWarning = z.infer<typeof secretWarningSchema>;

/** A worktree against its base: committed, staged, unstaged and untracked changes together. */
export const worktreeDiffSchema = z.object({
  worktreeId: z.string(),
  baseRef: z.string(),
  mergeBase: z.string().nullable(),
  files: z.array(diffFileSchema),
  additions: z.number().int(),
  deletions: z.number().int(),
  /** Added files and lines that look like secrets: approving would merge them. */
  secrets: z.array(secretWarningSchema),
});
/** A worktree's diff. */
export type WorktreeDiff = z.infer<typeof worktreeDiffSchema>;
