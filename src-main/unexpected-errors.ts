import { toDisposable, type Disposable } from './lifecycle';

/** Where the last-resort handler reports (console.error unless a test or shell says otherwise). */
export type ErrorLog = (message: string, error: unknown) => void;

/** Options for {@link handleUnexpectedErrors}. */
export interface UnexpectedErrorOptions {
  /** The process's name in the log line (`core`, `pty-host`). */
  name: string;
  log?: ErrorLog;
  /**
   * Called instead of staying alive when uncaught exceptions come faster than `maxPerMinute`: a
   * process stuck in a loop of failures is better restarted (the start-up sweep picks up after it).
   * Unset: the process always stays alive (the pty host, whose exit would end every agent).
   */
  onStorm?: (error: unknown) => void;
  maxPerMinute?: number;
}

/**
 * The process-wide handler for errors nothing else caught, as VS Code's `onUnexpectedError`: it
 * logs them and keeps the process alive. Node's default would end the core, and with it every
 * request in flight, for one rejected promise nobody awaited (the lint rule
 * `no-floating-promises` is the first line; this is the last). A rejection is always safe to
 * survive; an uncaught exception is too unless they repeat in a storm, then `onStorm` decides.
 */
export function handleUnexpectedErrors(options: UnexpectedErrorOptions): Disposable {
  const log: ErrorLog = options.log ?? ((message, error) => console.error(message, error));
  const maxPerMinute = options.maxPerMinute ?? 100;
  let recent: number[] = [];
  const onException = (error: unknown): void => {
    log(`[${options.name}] unexpected error (kept running)`, error);
    if (!options.onStorm) return;
    const now = Date.now();
    recent = [...recent.filter((t) => now - t < 60_000), now];
    if (recent.length > maxPerMinute) options.onStorm(error);
  };
  const onRejection = (reason: unknown): void => log(`[${options.name}] unhandled rejection (kept running)`, reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return toDisposable(() => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  });
}
