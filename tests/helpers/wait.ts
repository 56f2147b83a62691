import type { Result } from '../../src-common/result';

/** The value of an ok result; a failed one fails the test with its code and message. */
export function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** A check polled until it answers something truthy, which is returned. */
export type Until = <T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  what: string,
  timeoutMs?: number,
  context?: () => string,
) => Promise<T>;

/** Makes a poller with a file's own default timeout and interval; on timeout it names what it waited for. */
export function poller(defaults: { timeoutMs: number; intervalMs: number; contextChars?: number }): Until {
  return async (check, what, timeoutMs = defaults.timeoutMs, context = () => '') => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const got = await check();
      if (got) return got;
      await new Promise((r) => setTimeout(r, defaults.intervalMs));
    }
    const shown = context().slice(-(defaults.contextChars ?? 3000));
    throw new Error(`timed out waiting for ${what}${shown ? `\n${shown}` : ''}`);
  };
}
