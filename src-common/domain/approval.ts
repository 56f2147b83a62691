import { z } from 'zod';

/** What a rule does with a matching tool call. */
export const RULE_EFFECTS = ['allow', 'ask', 'deny'] as const;
/** One of {@link RULE_EFFECTS}. */
export type RuleEffect = (typeof RULE_EFFECTS)[number];

/** Where a rule applies, least specific first. */
export const RULE_SCOPES = ['global', 'project', 'session'] as const;
/** One of {@link RULE_SCOPES}. */
export type RuleScope = (typeof RULE_SCOPES)[number];

/** Editable fields of a permission rule. */
export const permissionRuleInputSchema = z.object({
  effect: z.enum(RULE_EFFECTS),
  /** Tool name (`Bash`, `Write`, `mcp__github__create_issue`), `mcp__github__*`, or `*`. */
  toolName: z.string().trim().min(1, 'Tool is required').max(200),
  /**
   * Bash: a command pattern matched word by word (`git status*`: `git status` and any further
   * arguments); file tools: a path glob, relative to the worktree unless absolute, matched against
   * the resolved path; other tools: a text glob; null: any input.
   */
  pattern: z.string().trim().min(1).max(1000).nullable().default(null),
  scope: z.enum(RULE_SCOPES).default('global'),
  projectId: z.string().nullable().default(null),
  sessionId: z.string().nullable().default(null),
});

/** A permission rule. */
export const permissionRuleSchema = permissionRuleInputSchema.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() });
/** A permission rule. */
export type PermissionRule = z.infer<typeof permissionRuleSchema>;

/** Lifecycle of an approval. */
export const APPROVAL_STATUSES = ['pending', 'allowed', 'denied', 'cancelled', 'expired'] as const;
/** One of {@link APPROVAL_STATUSES}. */
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A tool call waiting for (or given) a human decision. */
export const approvalSchema = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  sessionTitle: z.string().nullable(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  worktreeId: z.string().nullable(),
  toolName: z.string(),
  input: z.unknown(),
  /** For Write/Edit: what the change would do, as text. */
  preview: z.string().nullable(),
  status: z.enum(APPROVAL_STATUSES),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  waitedMs: z.number().nullable(),
  createdAt: z.number(),
  /**
   * While pending: the rules "Always allow" would create (a null pattern: any input of the tool),
   * or why this call can only be allowed once. Null once decided.
   */
  rememberAs: z
    .discriminatedUnion('ok', [z.object({ ok: z.literal(true), patterns: z.array(z.string().nullable()) }), z.object({ ok: z.literal(false), reason: z.string() })])
    .nullable(),
});
/** An approval. */
export type Approval = z.infer<typeof approvalSchema>;
