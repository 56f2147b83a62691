import { z } from 'zod';

/** App-wide settings; every field has a default so new ones never break old data. */
export const appSettingsSchema = z.object({
  /** A pending approval becomes a deny after this many seconds; null waits for a person for ever. */
  approvalTimeoutSeconds: z.number().int().min(5, 'At least 5 seconds').max(7 * 24 * 3600, 'At most a week').nullable().default(null),
});

/** App-wide settings. */
export type AppSettings = z.infer<typeof appSettingsSchema>;
