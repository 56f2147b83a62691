import { z } from 'zod';
import { priceOverridesSchema } from '../pricing/price-table';
import { TRANSCRIPT_SOURCES } from './transcript';

/** Which notifications are raised, per kind. */
export const notificationSettingsSchema = z.object({
  approval: z.boolean().default(true),
  input: z.boolean().default(true),
  finished: z.boolean().default(true),
  review: z.boolean().default(true),
});

/** An update feed: https, or http on this machine only (a test feed). */
export const updateFeedUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .regex(/^(https:\/\/[^\s/?#@]+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?)(\/\S*)?$/i, 'Give an https:// address (http:// only for this machine)');

/** Desktop-only behaviour: the tray, updates and the notices already given once. */
export const desktopSettingsSchema = z.object({
  /** Closing the window keeps Pitwall running in the tray (when there is one). */
  closeToTray: z.boolean().default(true),
  /** One-time notices already shown (`no-tray`, `in-tray`), so they are not repeated. */
  toldOnce: z.array(z.string().max(50)).max(20).default([]),
});

/** Automatic updates of the desktop app: off until the person turns them on. */
export const updateSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** A generic feed (a folder with latest*.yml and the installers); null uses the one built in, if any. */
  feedUrl: updateFeedUrlSchema.nullable().default(null),
});

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
  notifications: notificationSettingsSchema.default({ approval: true, input: true, finished: true, review: true }),
  desktop: desktopSettingsSchema.default({ closeToTray: true, toldOnce: [] }),
  updates: updateSettingsSchema.default({ enabled: false, feedUrl: null }),
  /** The editor "Open in" uses by default (an id from `ide:list`); null picks the first one found. */
  preferredEditor: z.string().max(100).nullable().default(null),
  /** The zone usage is counted in by day: `local` (the system's, as ccusage does) or an IANA name such as `UTC` or `America/New_York`. */
  usageTimeZone: z.string().max(100).refine(isTimeZone, 'Not a time zone this system knows (use local, UTC or a name such as Europe/Paris)').default('local'),
  /** Prices the person set per model (dollars per million tokens), over the shipped table. */
  modelPrices: priceOverridesSchema.refine((o) => Object.keys(o).length <= 200, 'At most 200 prices').default({}),
});

/** App-wide settings. */
export type AppSettings = z.infer<typeof appSettingsSchema>;
