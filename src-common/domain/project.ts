import { z } from 'zod';

/** Per-project settings; every field has a default so old rows parse after new fields land. */
export const projectConfigSchema = z.object({
  baseBranch: z.string().trim().min(1, 'Base branch is required').max(255),
  /** Absolute folder for new worktrees; null means `<data dir>/worktrees/<project>/`. */
  worktreeRoot: z
    .string()
    .trim()
    .min(1)
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'Worktree root must be an absolute path')
    .nullable()
    .default(null),
  /** When false, agents work in the main checkout and no worktrees are made. */
  useWorktrees: z.boolean().default(true),
  /** gitignore-syntax patterns of untracked files copied into new worktrees (beside `.worktreeinclude`). */
  copyFiles: z.array(z.string().trim().min(1).max(500)).max(200).default(['.env*']),
  /** Shell command run in a new worktree; its output is kept on the worktree. */
  initScript: z.string().max(10_000).nullable().default(null),
  /** Command that checks an agent's work (used by review). */
  verifyCommand: z.string().max(10_000).nullable().default(null),
  maxConcurrentAgents: z.number().int().min(1, 'At least one agent').max(64, 'At most 64 agents').default(3),
  /** How an approved task lands on the base branch. */
  mergeStrategy: z.enum(['merge', 'squash', 'rebase']).default('squash'),
  /** Delete a task's branch once it has landed (its worktree is always removed). */
  deleteBranchOnMerge: z.boolean().default(false),
});

/** Stored and validated project settings. */
export type ProjectConfig = z.infer<typeof projectConfigSchema>;

/** A registered git repository. */
export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  config: projectConfigSchema,
  /** The worktree root in force: the configured one or the default under the data dir. */
  resolvedWorktreeRoot: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  version: z.number(),
});

/** A registered git repository. */
export type Project = z.infer<typeof projectSchema>;
