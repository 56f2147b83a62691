import { channels, isChannel, type Channel, type ParsedRequestOf, type ResponseOf } from '../../src-common/contract';
import { formatZodError } from '../../src-common/format-zod-error';
import { AppError, err, ok, type Result } from '../../src-common/result';

/** One handler per contract channel, taking the parsed request. */
export type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

/** Dispatches a raw request: the single entry point both shells call. Never throws. */
export interface Router {
  dispatch(channel: string, request: unknown): Promise<Result<unknown>>;
}

/** Logger the router reports unexpected failures to. */
export type ErrorLogger = (message: string, error: unknown) => void;

/**
 * Builds the router from the contract: validates every request, runs the handler, validates the
 * response, and maps every failure to `{ ok: false, error }`.
 */
export function createRouter(handlers: Handlers, logError: ErrorLogger = console.error): Router {
  return {
    async dispatch(channel, request) {
      if (!isChannel(channel)) return err('unknown_channel', `Unknown channel "${channel}"`);
      const schema = channels[channel];
      const parsed = schema.request.safeParse(request ?? {});
      if (!parsed.success) return err('invalid_request', `Invalid ${channel} request: ${formatZodError(parsed.error)}`);
      try {
        const handler = handlers[channel] as (req: unknown) => Promise<unknown> | unknown;
        const value = await handler(parsed.data);
        const checked = schema.response.safeParse(value);
        if (!checked.success) {
          logError(`[router] ${channel} answered outside the contract: ${formatZodError(checked.error)}`, value);
          return err('internal', `${channel} produced an invalid response`);
        }
        return ok(checked.data);
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.toData() };
        logError(`[router] ${channel} failed`, error);
        return err('internal', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** Re-exported for handlers that want to name a channel's types. */
export type { Channel };
