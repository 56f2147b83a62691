import { z } from 'zod';

/** Lifecycle of a worktree record. `missing`: the folder vanished outside Pitwall. */
export const WORKTREE_STATUSES = ['creating', 'active', 'error', 'removed', 'missing'] as const;

/** One of {@link WORKTREE_STATUSES}. */
export type WorktreeStatus = (typeof WORKTREE_STATUSES)[number];

/** Live git facts about a worktree, read when listed. */
export const worktreeGitStatusSchema = z.object({
  headSha: z.string().nullable(),
  /** Files with staged, unstaged or untracked changes. */
  dirtyCount: z.number().int(),
  ahead: z.number().int(),
  behind: z.number().int(),
  /** The branch checked out now (it may have moved outside Pitwall); null when detached. */
  currentBranch: z.string().nullable(),
});

/** Live git facts about a worktree. */
export type WorktreeGitStatus = z.infer<typeof worktreeGitStatusSchema>;

/** A git worktree of a project. */
export const worktreeSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  branch: z.string(),
  /** The ref the branch was started from (e.g. `origin/main` or `main`). */
  baseRef: z.string(),
  path: z.string(),
  status: z.enum(WORKTREE_STATUSES),
  error: z.string().nullable(),
  /** True when the worktree was made outside Pitwall and found by listing. */
  external: z.boolean(),
  initLog: z.string().nullable(),
  /** `refs/pitwall/snapshots/<id>` holding uncommitted work saved by a forced removal. */
  snapshotRef: z.string().nullable(),
  git: worktreeGitStatusSchema.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** A git worktree of a project. */
export type Worktree = z.infer<typeof worktreeSchema>;
