import { v7 } from 'uuid';

/** A new UUIDv7: time-ordered, so ids made on a device sort by creation. */
export function newId(): string {
  return v7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` looks like a UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
