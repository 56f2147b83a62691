import { eq } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { settings } from '../../db/schema';
import { appSettingsSchema, type AppSettings } from '../../src-common/domain/settings';
import { formatZodError } from '../../src-common/format-zod-error';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';

const KEY = 'app';

/** App-wide settings, one validated JSON document in the settings table. */
export class SettingsService {
  private cached: AppSettings | null = null;

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly clock: Clock = systemClock,
  ) {}

  get(): AppSettings {
    if (this.cached) return this.cached;
    const row = this.db.select().from(settings).where(eq(settings.key, KEY)).get();
    let raw: unknown = {};
    try {
      raw = row ? JSON.parse(row.value) : {};
    } catch {
      raw = {};
    }
    // A stored document that no longer parses falls back to defaults rather than failing start-up.
    const parsed = appSettingsSchema.safeParse(raw);
    this.cached = parsed.success ? parsed.data : appSettingsSchema.parse({});
    return this.cached;
  }

  update(changes: Partial<AppSettings>): AppSettings {
    const next = appSettingsSchema.safeParse({ ...this.get(), ...changes });
    if (!next.success) throw new AppError('invalid_request', `Invalid settings: ${formatZodError(next.error)}`);
    const value = JSON.stringify(next.data);
    const now = this.clock();
    this.db.insert(settings).values({ key: KEY, value, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } }).run();
    this.cached = next.data;
    this.events.emit('settings:changed', {});
    return next.data;
  }
}
