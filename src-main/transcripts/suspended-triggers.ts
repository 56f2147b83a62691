import type BetterSqlite3 from 'better-sqlite3';

// A trigger whose condition is false still costs every row written: SQLite runs its program and keeps
// a statement journal for each insert that has one. A first scan writes hundreds of thousands of rows
// while the gated triggers below do nothing (their key is in transcript_state), so it takes them out
// and puts them back in the transaction that removes their key. A trigger is only ever missing while
// its key is there, which is when it would do nothing: a scan killed midway leaves a database that
// reads the same, and the next scan's catch-up puts them back.

/** Where the SQL of the triggers taken out is kept (name to CREATE statement, as JSON). */
const SAVED_KEY = 'suspended_triggers';

/** The triggers a bulk write takes out, by the transcript_state key that turns each off. */
export const BULK_SUSPENDED_TRIGGERS: Readonly<Record<string, readonly string[]>> = {
  fts_messages_after: ['messages_fts_insert'],
  fts_tool_calls_after: ['tool_calls_fts_insert'],
  session_totals_deferred: ['session_counts_message_insert', 'session_counts_tool_insert', 'session_usage_insert', 'session_usage_update'],
};

function saved(sqlite: BetterSqlite3.Database): Record<string, string> {
  const row = sqlite.prepare(`SELECT value FROM transcript_state WHERE key = ?`).get(SAVED_KEY) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as Record<string, string>) : {};
}

function save(sqlite: BetterSqlite3.Database, triggers: Record<string, string>): void {
  if (Object.keys(triggers).length === 0) sqlite.prepare(`DELETE FROM transcript_state WHERE key = ?`).run(SAVED_KEY);
  else
    sqlite
      .prepare(`INSERT INTO transcript_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(SAVED_KEY, JSON.stringify(triggers));
}

function triggerSql(sqlite: BetterSqlite3.Database, name: string): string | null {
  const row = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).get(name) as { sql: string } | undefined;
  return row?.sql ?? null;
}

/**
 * Takes out the triggers that `key` turns off, keeping their SQL to put back. Call inside the
 * transaction that writes `key`, and only while it is there.
 */
export function suspendTriggers(sqlite: BetterSqlite3.Database, key: string): void {
  const triggers = saved(sqlite);
  for (const name of BULK_SUSPENDED_TRIGGERS[key] ?? []) {
    // Absent: already taken out by a scan that was killed, or not in this schema.
    const sql = triggerSql(sqlite, name);
    if (sql === null) continue;
    triggers[name] = sql;
    sqlite.exec(`DROP TRIGGER "${name}"`);
  }
  save(sqlite, triggers);
}

/** Puts back the triggers taken out for `key`. Call inside the transaction that removes `key`. */
export function restoreTriggers(sqlite: BetterSqlite3.Database, key: string): void {
  const triggers = saved(sqlite);
  for (const name of BULK_SUSPENDED_TRIGGERS[key] ?? []) {
    const sql = triggers[name];
    if (sql === undefined) continue;
    // A migration run in between may have created its own version: that one stays.
    if (triggerSql(sqlite, name) === null) sqlite.exec(sql);
    delete triggers[name];
  }
  save(sqlite, triggers);
}
