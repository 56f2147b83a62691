import { z } from 'zod';
import { CONTENT_LEVELS } from '../sync/protocol';

/**
 * What the push loop is doing: `off` (no team), `idle` (nothing to send), `pushing`, `backoff`
 * (waiting to retry after an error), `paused` (by the person), `removed` (the server revoked this device).
 */
export const TEAM_STATES = ['off', 'idle', 'pushing', 'backoff', 'paused', 'removed'] as const;
/** One of {@link TEAM_STATES}. */
export type TeamState = (typeof TEAM_STATES)[number];

/** One stream's backlog, for diagnostics. */
export const teamStreamSchema = z.object({
  stream: z.string(),
  ackedSeq: z.number(),
  pending: z.number(),
});

/** The team connection and the push loop's health, for Settings → Team, the status bar and the tray. */
export const teamStatusSchema = z.object({
  state: z.enum(TEAM_STATES),
  /** Null until the device is enrolled. */
  team: z
    .object({
      serverUrl: z.string(),
      orgName: z.string(),
      deviceId: z.string(),
      /** What the person chose. */
      contentLevel: z.enum(CONTENT_LEVELS),
      /** What the team allows; the effective level is the stricter of the two. */
      orgContentLevel: z.enum(CONTENT_LEVELS),
      allowInsecureHttp: z.boolean(),
      enrolledAt: z.number(),
    })
    .nullable(),
  /** Projects turned on for the team. */
  projectIds: z.array(z.string()),
  /** Rows waiting to be pushed (an upper bound while a back-fill runs). */
  queueDepth: z.number().int().min(0),
  /** When the oldest row still waiting was written (device clock), or null when nothing waits. */
  oldestPendingAt: z.number().nullable(),
  /** Rows still to send from back-fills of projects turned on or sessions that joined one. */
  backfillPending: z.number().int().min(0),
  lastSuccessAt: z.number().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  /** When the next attempt is due while backing off. */
  nextAttemptAt: z.number().nullable(),
  /** Rows the server accepted since start, and rows it recorded as rejected. */
  pushedRows: z.number().int().min(0),
  rejectedRows: z.number().int().min(0),
  streams: z.array(teamStreamSchema),
});
/** The team status. */
export type TeamStatus = z.infer<typeof teamStatusSchema>;

/** What the person types to join a team. */
export const teamEnrollSchema = z
  .object({
    serverUrl: z
      .string()
      .trim()
      .min(1, 'The server URL is required')
      .max(2000)
      // The core checks it fully (and refuses plain HTTP to another machine); this catches typos early.
      .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'Give the server URL, like https://team.example.com'),
    code: z.string().trim().min(10, 'Paste the whole enrollment code').max(300),
    /** Plain HTTP to a server that is not on this machine (a trusted network only). */
    allowInsecureHttp: z.boolean().optional(),
  })
  .strict();
