import { z } from 'zod';
import { TRANSCRIPT_SOURCES } from './transcript';

/** True when `zone` is `local` or a time zone this runtime knows (Intl throws a RangeError for others). */
function isTimeZone(zone: string): boolean {
  if (zone === 'local') return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** App-wide settings; every field has a default so new ones never break old data. */
export const appSettingsSchema = z.object({
  /** A pending approval becomes a deny after this many seconds; null waits for a person for ever. */
  approvalTimeoutSeconds: z.number().int().min(5, 'At least 5 seconds').max(7 * 24 * 3600, 'At most a week').nullable().default(null),
  /** Transcript folders added by the person, and the paths of roots turned off. */
  transcriptRoots: z
    .object({
      added: z.array(z.object({ source: z.enum(TRANSCRIPT_SOURCES), path: z.string().min(1) })).default([]),
      disabled: z.array(z.string()).default([]),
    })
    .default({ added: [], disabled: [] }),
  /** The zone usage is counted in by day: `local` (the system's, as ccusage does) or an IANA name such as `UTC` or `America/New_York`. */
  usageTimeZone: z.string().max(100).refine(isTimeZone, 'Not a time zone this system knows (use local, UTC or a name such as Europe/Paris)').default('local'),
});

/** App-wide settings. */
export type AppSettings = z.infer<typeof appSettingsSchema>;
