import {
  CHANNEL_NAMES,
  type Channel,
  type EventName,
  type EventPayload,
  type RequestOf,
  type ResponseOf,
} from './contract';
import type { Result } from './result';

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string, D extends string> = C extends `${D}:${infer V}` ? V : never;

/** `client.projects.add(req)` for channel `projects:add`; every call answers a {@link Result}. */
export type PitwallApi = {
  [D in DomainOf<Channel>]: {
    [V in VerbOf<Channel, D>]: `${D}:${V}` extends infer C extends Channel
      ? (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
      : never;
  };
};

/** What a shell provides to carry one request; it never throws, it answers a Result. */
export type Invoke = (channel: Channel, request: unknown) => Promise<Result<unknown>>;

/** Subscribes to an event; returns the function that unsubscribes. */
export type Subscribe = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;

/** A terminal being watched: `ready` resolves once its output flows to this client; `dispose` stops it. */
export interface TerminalWatch {
  ready: Promise<void>;
  dispose: () => void;
}

/**
 * Asks for a terminal's output: `sessions:output` of a session reaches only the clients watching it.
 * Watching is counted: the output stops when every watch of the session is disposed.
 */
export type WatchTerminal = (sessionId: string) => TerminalWatch;

/** The object the renderer talks to: `window.pitwall` in Electron, the web client in a browser. */
export interface PitwallClient {
  api: PitwallApi;
  on: Subscribe;
  watchTerminal: WatchTerminal;
}

/** Builds the typed API object from the contract's channel list over one `invoke`. */
export function createApi(invoke: Invoke): PitwallApi {
  const api: Record<string, Record<string, (request: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [domain, verb] = channel.split(':') as [string, string];
    api[domain] ??= {};
    api[domain][verb] = (request: unknown) => invoke(channel, request ?? {});
  }
  return api as unknown as PitwallApi;
}
