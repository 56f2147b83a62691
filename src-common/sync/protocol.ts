import { z } from 'zod';
import { SYNC_TABLES, isSyncTable, type SyncTable } from './tables';

// The team protocol: what a desktop sends to `POST /v1/sync/push` and `POST /v1/enroll`, and what
// the team server answers. Both sides parse with these schemas.

/**
 * Wire protocol version the desktop speaks. 2 added positional rows (`columns` on a stream, each
 * row `[seq, ...values]`); a server answers 400 `unsupported_version` to a version it does not know.
 */
export const PROTOCOL_VERSION = 2;
/** Protocol versions a server accepts: 1 (rows as objects only) and 2. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** Version of the row schemas in `tables.ts`; bumped when a column is added or changes meaning. */
export const SYNC_SCHEMA_VERSION = 1;
/** Oldest row-schema version a server accepts (newer desktops' unknown fields land in `extra`). */
export const MIN_SYNC_SCHEMA_VERSION = 1;

/** A batch is cut at this many rows… */
export const BATCH_MAX_ROWS = 5_000;
/** …or this many bytes of JSON, whichever comes first. */
export const BATCH_MAX_BYTES = 4 * 1024 * 1024;
/** A single row larger than this is sent as a stub the server records as rejected (it never blocks a stream). */
export const MAX_ROW_BYTES = 6 * 1024 * 1024;
/** The server refuses bodies larger than this with 413. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Streams in one request. */
export const MAX_STREAMS_PER_PUSH = 64;

/** The stream of deletions of append-only rows (a transcript message replaced by a corrected one). */
export const DELETES_STREAM = 'deletes';

/** What a team keeps: everything, or metadata only (no message text, tool input/output, file contents). */
export const CONTENT_LEVELS = ['everything', 'metadata'] as const;
/** One of {@link CONTENT_LEVELS}. */
export type ContentLevel = (typeof CONTENT_LEVELS)[number];

/**
 * A stream name: a table (`messages`, `sessions`: the live log), `deletes`, or a back-fill of an
 * append-only table, `<table>~<job>` (its own cursor over the table's `seq`, see docs/sync-design.md).
 */
export interface StreamName {
  table: SyncTable | typeof DELETES_STREAM;
  backfill: number | null;
}

const STREAM_RE = /^([a-z_]{1,40})(?:~([1-9][0-9]{0,11}))?$/;

/** Parses a stream name; null when it names no known table or is malformed. */
export function parseStreamName(name: string): StreamName | null {
  const match = STREAM_RE.exec(name);
  if (!match) return null;
  const table = match[1]!;
  const backfill = match[2] ? Number(match[2]) : null;
  if (table === DELETES_STREAM) return backfill === null ? { table, backfill } : null;
  if (!isSyncTable(table)) return null;
  if (backfill !== null && SYNC_TABLES[table].kind !== 'append') return null;
  return { table, backfill };
}

/** The name of a back-fill stream of an append-only table. */
export function backfillStreamName(table: SyncTable, job: number): string {
  return `${table}~${job}`;
}

const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** One row on the wire: its position in the device's log and the row as the database holds it. */
export const wireRowSchema = z.object({
  seq,
  /** `delete` only on the `deletes` stream; mutable rows' soft deletes travel as upserts. */
  op: z.enum(['upsert', 'delete']).optional(),
  row: z.record(z.string(), z.unknown()),
});
/** One row on the wire. */
export type WireRow = z.infer<typeof wireRowSchema>;

/** A row of the `deletes` stream. */
export const deleteRowSchema = z.object({ tbl: z.enum(['messages', 'tool_calls']), id: z.string().min(1).max(200) });

/**
 * A contiguous range `[fromSeq, toSeq]` of one stream and the rows of it that leave the device.
 * Positional rows (protocol 2: `columns`, rows `[seq, ...values]`) are read back as objects.
 */
export const streamBatchSchema = z
  .object({
    stream: z.string().refine((s) => parseStreamName(s) !== null, 'unknown stream'),
    fromSeq: seq,
    toSeq: seq,
    columns: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
    rows: z.array(z.union([wireRowSchema, z.tuple([seq], z.unknown())])),
  })
  .transform(({ columns, rows, ...rest }) => ({
    ...rest,
    rows: rows.map((r): WireRow => (Array.isArray(r) ? { seq: r[0], row: Object.fromEntries((columns ?? []).map((c, n) => [c, r[n + 1]])) } : r)),
  }))
  .refine((b) => b.fromSeq <= b.toSeq, 'fromSeq must not be after toSeq')
  .refine((b) => b.rows.every((r, n) => r.seq >= b.fromSeq && r.seq <= b.toSeq && (n === 0 || r.seq > b.rows[n - 1]!.seq)), 'row seqs must rise within [fromSeq, toSeq]');
/** One stream's part of a push. */
export type StreamBatch = z.infer<typeof streamBatchSchema>;

/** `POST /v1/sync/push`. */
export const pushRequestSchema = z.object({
  protocolVersion: z.number().int(),
  schemaVersion: z.number().int(),
  deviceId: z.string().uuid(),
  /** The device's clock, for diagnostics only: ordering never depends on clocks. */
  sentAt: z.number().int().optional(),
  streams: z
    .array(streamBatchSchema)
    .min(1, 'no streams')
    .max(MAX_STREAMS_PER_PUSH)
    .refine((s) => new Set(s.map((b) => b.stream)).size === s.length, 'a stream appears twice'),
});
/** A push. */
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** What happened to one stream of a push. */
export const streamResultSchema = z.object({
  stream: z.string(),
  /** The server's cursor after the push: everything up to here is durable. */
  ackedSeq: z.number().int().min(0),
  /** `duplicate`: the range was already acknowledged; nothing was applied. */
  status: z.enum(['applied', 'duplicate']),
  applied: z.number().int().min(0),
  rejected: z.number().int().min(0),
});

/**
 * The push envelope as the server reads it first: rows are checked one by one afterwards (a bad
 * row is rejected and recorded, it does not fail the request), so they are not parsed here.
 */
export const pushEnvelopeSchema = z.object({
  protocolVersion: z.number().int(),
  schemaVersion: z.number().int(),
  deviceId: z.string().uuid(),
  sentAt: z.number().int().optional(),
  streams: z
    .array(
      z
        .object({
          stream: z.string().max(60).refine((s) => parseStreamName(s) !== null, 'unknown stream'),
          fromSeq: seq,
          toSeq: seq,
          /**
           * Protocol 2: the names of the values of positional rows. A row is then `[seq, ...values]`
           * in this order (an object row `{seq, row}` may still appear, e.g. an oversized row's stub).
           */
          columns: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
          rows: z.array(z.unknown()).max(1_000_000),
        })
        .refine((b) => b.fromSeq <= b.toSeq, 'fromSeq must not be after toSeq')
        .refine((b) => !b.columns || new Set(b.columns).size === b.columns.length, 'a column is named twice'),
    )
    .min(1, 'no streams')
    .max(MAX_STREAMS_PER_PUSH)
    .refine((s) => new Set(s.map((b) => b.stream)).size === s.length, 'a stream appears twice'),
});
/** A push envelope. */
export type PushEnvelope = z.infer<typeof pushEnvelopeSchema>;

/** `200` answer to a push. */
export const pushResponseSchema = z.object({
  streams: z.array(streamResultSchema),
  contentLevel: z.enum(CONTENT_LEVELS),
});
/** A push's answer. */
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** Error codes the team server answers with. */
export const SERVER_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'device_removed',
  'too_large',
  'unsupported_version',
  'gap',
  'not_found',
  'unavailable',
  'internal',
] as const;

/** Any non-200 answer: a code, a reason, and for a gap the server's cursors. */
export const serverErrorSchema = z.object({
  error: z.object({ code: z.enum(SERVER_ERROR_CODES), message: z.string() }),
  cursors: z.array(z.object({ stream: z.string(), ackedSeq: z.number().int().min(0) })).optional(),
});
/** A server error answer. */
export type ServerError = z.infer<typeof serverErrorSchema>;

/** `POST /v1/enroll`: a one-time enrollment code for a device token. */
export const enrollRequestSchema = z.object({
  code: z.string().trim().min(10, 'That enrollment code is too short').max(300),
  deviceName: z.string().trim().min(1).max(200),
  platform: z.string().trim().min(1).max(100),
  /**
   * Where the device's live append-only streams start (its newest rows at enrollment): older rows
   * reach the server through back-fills, when their project is turned on.
   */
  startCursors: z
    .array(z.object({ stream: z.enum(['messages', 'tool_calls', 'events']), ackedSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }))
    .max(8)
    .default([]),
});

/** The answer to an enrollment: the token is shown once, and only its hash is kept by the server. */
export const enrollResponseSchema = z.object({
  orgId: z.string().uuid(),
  orgName: z.string(),
  deviceId: z.string().uuid(),
  deviceToken: z.string().min(20),
  contentLevel: z.enum(CONTENT_LEVELS),
});
/** An enrollment's answer. */
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
