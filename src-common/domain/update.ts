import { z } from 'zod';

/** Where an update stands. */
export const UPDATE_PHASES = ['unsupported', 'disabled', 'no-feed', 'idle', 'checking', 'up-to-date', 'available', 'downloading', 'ready', 'error'] as const;
/** One of {@link UPDATE_PHASES}. */
export type UpdatePhase = (typeof UPDATE_PHASES)[number];

/** The desktop app's update state, for Settings → Updates. */
export const updateStatusSchema = z.object({
  phase: z.enum(UPDATE_PHASES),
  currentVersion: z.string(),
  /** The version offered, once a check found one. */
  version: z.string().nullable(),
  /** Release notes as plain text (HTML from the feed is reduced to text, never rendered). */
  releaseNotes: z.string().nullable(),
  releaseDate: z.string().nullable(),
  /** Download progress, 0–100, while downloading. */
  progress: z.number().nullable(),
  /** Why it is unsupported, disabled or failed, in words. */
  detail: z.string().nullable(),
  checkedAt: z.number().nullable(),
  /** Whether agents can keep running across the restart (not on Windows: the installer replaces files they hold). */
  canKeepAgents: z.boolean(),
});
/** The update state. */
export type UpdateStatus = z.infer<typeof updateStatusSchema>;
