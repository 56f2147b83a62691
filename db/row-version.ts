/**
 * What every update of a mutable synced row sets besides its changes: the time and the next
 * version (the sync outbox trigger records the row under it, and the team server keeps the
 * highest). The one place the rule lives, for every service that owns such a table.
 */
export function nextVersion(row: { version: number }, now: number): { updatedAt: number; version: number } {
  return { updatedAt: now, version: row.version + 1 };
}

/** A soft delete (it replicates, unlike a DELETE): the deletion time and the next version. */
export function softDeletion(row: { version: number }, now: number): { deletedAt: number; updatedAt: number; version: number } {
  return { deletedAt: now, ...nextVersion(row, now) };
}
