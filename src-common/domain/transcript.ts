import { z } from 'zod';

/** The agents whose transcript files Pitwall reads. */
export const TRANSCRIPT_SOURCES = ['claude-code', 'codex', 'vscode-copilot', 'gemini'] as const;
/** One of {@link TRANSCRIPT_SOURCES}. */
export type TranscriptSource = (typeof TRANSCRIPT_SOURCES)[number];

/** A watched folder and its state. */
export const transcriptRootSchema = z.object({
  source: z.enum(TRANSCRIPT_SOURCES),
  path: z.string(),
  builtIn: z.boolean(),
  enabled: z.boolean(),
  exists: z.boolean(),
});
/** A watched folder and its state. */
export type TranscriptRootView = z.infer<typeof transcriptRootSchema>;

/** How far the first scan has got. */
export const scanProgressSchema = z.object({
  filesDone: z.number(),
  filesTotal: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  problems: z.number(),
  done: z.boolean(),
  error: z.string().nullable(),
});
/** How far the first scan has got. */
export type TranscriptScanProgress = z.infer<typeof scanProgressSchema>;

/** Token counts. */
export const tokensSchema = z.object({ input: z.number(), output: z.number(), cacheRead: z.number(), cacheWrite: z.number() });
/** Token counts. */
export type Tokens = z.infer<typeof tokensSchema>;


/** Opens a search hit in a snippet (a control character, so it never occurs in the text shown). */
export const SNIPPET_HIT_OPEN = '\u0001';
/** Closes a search hit in a snippet. */
export const SNIPPET_HIT_CLOSE = '\u0002';

/** A snippet cut into runs of plain text and search hits, for display. */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf(SNIPPET_HIT_OPEN);
    const close = open === -1 ? -1 : rest.indexOf(SNIPPET_HIT_CLOSE, open + 1);
    if (open === -1 || close === -1) {
      parts.push({ text: rest.replaceAll(SNIPPET_HIT_OPEN, '').replaceAll(SNIPPET_HIT_CLOSE, ''), hit: false });
      break;
    }
    if (open > 0) parts.push({ text: rest.slice(0, open).replaceAll(SNIPPET_HIT_CLOSE, ''), hit: false });
    parts.push({ text: rest.slice(open + 1, close), hit: true });
    rest = rest.slice(close + 1);
  }
  return parts.filter((p) => p.text.length > 0);
}

/** A session in the history list, from any source. */
export const sessionSummarySchema = z.object({
  id: z.string(),
  source: z.string(),
  agentKind: z.string(),
  title: z.string().nullable(),
  status: z.string(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  cwd: z.string().nullable(),
  models: z.array(z.string()),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  messageCount: z.number(),
  toolCallCount: z.number(),
  tokens: tokensSchema,
  /** Search hits in this session's messages: text with the matches wrapped in {@link SNIPPET_HIT_OPEN} … {@link SNIPPET_HIT_CLOSE}. */
  hits: z.array(z.object({ messageId: z.string(), snippet: z.string() })),
});
/** A session in the history list. */
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/** Filters of the history list. */
export const sessionQuerySchema = z
  .object({
    source: z.string().max(40).optional(),
    agentKind: z.string().max(40).optional(),
    projectId: z.string().max(64).optional(),
    model: z.string().max(200).optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    query: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

/** One entry of a session's timeline. */
export const timelineEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    /** `delegation`: a prompt one agent gave another (a subagent's task), not something the person typed. */
    kind: z.enum(['text', 'thinking', 'delegation']),
    text: z.string(),
    timestamp: z.number().nullable(),
    model: z.string().nullable(),
    tokens: tokensSchema.nullable(),
  }),
  z.object({
    type: z.literal('tool'),
    id: z.string(),
    name: z.string(),
    input: z.string(),
    output: z.string().nullable(),
    status: z.string(),
    timestamp: z.number().nullable(),
    /** The tokens of the response that made this call, when no message of that response shows them. */
    tokens: tokensSchema.nullable().optional(),
  }),
]);
/** One entry of a session's timeline. */
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** A session's structured timeline. */
export const timelineSchema = z.object({
  session: sessionSummarySchema,
  worktreeId: z.string().nullable(),
  transcriptPath: z.string().nullable(),
  entries: z.array(timelineEntrySchema),
  truncated: z.boolean(),
});
/** A session's structured timeline. */
export type Timeline = z.infer<typeof timelineSchema>;

/** Token usage grouped one way over a range of days. */
export const usageQuerySchema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from must be YYYY-MM-DD'),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to must be YYYY-MM-DD'),
  })
  .strict();
/** Usage per day and per agent kind, model and project over a range. */
export const usageReportSchema = z.object({
  days: z.array(tokensSchema.extend({ day: z.string(), responses: z.number() })),
  byAgent: z.array(tokensSchema.extend({ key: z.string(), responses: z.number() })),
  byModel: z.array(tokensSchema.extend({ key: z.string(), responses: z.number() })),
  byProject: z.array(tokensSchema.extend({ key: z.string(), name: z.string(), responses: z.number() })),
  /** The zone the days are counted in (an IANA name). */
  timeZone: z.string().optional(),
});
/** Usage report. */
export type UsageReport = z.infer<typeof usageReportSchema>;

/** A file with ingest problems, for the diagnostics view. */
export const fileProblemSchema = z.object({
  path: z.string(),
  source: z.string(),
  status: z.string(),
  problemCount: z.number(),
  problems: z.array(z.object({ offset: z.number(), reason: z.string() })),
  updatedAt: z.number(),
});
/** A file with ingest problems. */
export type FileProblem = z.infer<typeof fileProblemSchema>;
