import { createApi, type Invoke, type PitwallClient, type Subscribe, type WatchTerminal } from '../../src-common/client';
import { isEventName, type EventName } from '../../src-common/contract';
import { WEB_EVENTS_PROTOCOL, WEB_TOKEN_PROTOCOL_PREFIX } from '../../src-common/ipc-names';
import type { Result } from '../../src-common/result';

type Listener = (payload: unknown) => void;

/** What the web client needs: where the shell is, the token, and whom to tell when it is refused. */
export interface WebClientOptions {
  base: URL;
  token: string;
  /** Called once when the shell refuses the token (it restarted with another one, or it was wrong). */
  onUnauthorized: () => void;
}

/**
 * The client used when the renderer is served by the headless shell: requests go to
 * `POST /rpc/<channel>` with the token as `Authorization: Bearer`, events arrive over the
 * `/events` WebSocket, which carries the token as a subprotocol (a browser cannot set its
 * headers). No cookie is sent or needed.
 */
export function createWebClient({ base, token, onUnauthorized }: WebClientOptions): PitwallClient {
  let refused = false;
  const refuse = (): void => {
    if (refused) return;
    refused = true;
    socket?.close();
    onUnauthorized();
  };

  const invoke: Invoke = async (channel, request) => {
    try {
      const response = await fetch(new URL(`/rpc/${channel}`, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        credentials: 'omit',
        cache: 'no-store',
        body: JSON.stringify(request ?? {}),
      });
      if (response.status === 401) {
        refuse();
        return { ok: false, error: { code: 'unauthorized', message: 'The access token was refused: open the link Pitwall printed at start.', retryable: false } };
      }
      return (await response.json()) as Result<unknown>;
    } catch (error) {
      return {
        ok: false,
        error: { code: 'internal', message: `Pitwall is not reachable (${String(error)})`, retryable: true },
      };
    }
  };

  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = (): void => {
    if (refused) return;
    const url = new URL('/events', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url, [WEB_EVENTS_PROTOCOL, `${WEB_TOKEN_PROTOCOL_PREFIX}${token}`]);
    socket.onopen = () => {
      retryMs = 500;
      // A new connection watches nothing yet: ask again for every terminal shown.
      confirmed.clear();
      for (const sessionId of watched.keys()) sendWatch('watch', sessionId);
    };
    socket.onmessage = (message) => {
      let parsed: { event?: unknown; payload?: unknown; ack?: unknown; sessionId?: unknown };
      try {
        parsed = JSON.parse(String(message.data)) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.ack === 'watch' && typeof parsed.sessionId === 'string') {
        if (watched.has(parsed.sessionId)) confirmed.add(parsed.sessionId);
        for (const resolve of waiting.get(parsed.sessionId)?.splice(0) ?? []) resolve();
        return;
      }
      if (typeof parsed.event !== 'string' || !isEventName(parsed.event)) return;
      for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.payload);
    };
    socket.onclose = () => {
      socket = null;
      // Reconnect with backoff: the shell may be restarting; views re-read on the next event.
      if (!refused) setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  // Terminals watched (with how many views watch each), those the server confirmed, and the views waiting for that.
  const watched = new Map<string, number>();
  const confirmed = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const sendWatch = (type: 'watch' | 'unwatch', sessionId: string): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type, sessionId }));
  };
  const watchTerminal: WatchTerminal = (sessionId) => {
    if (!socket) connect();
    const ready = confirmed.has(sessionId)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          let list = waiting.get(sessionId);
          if (!list) waiting.set(sessionId, (list = []));
          list.push(resolve);
        });
    const count = watched.get(sessionId) ?? 0;
    watched.set(sessionId, count + 1);
    if (count === 0) sendWatch('watch', sessionId);
    let disposed = false;
    return {
      ready,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        const left = (watched.get(sessionId) ?? 1) - 1;
        if (left > 0) return void watched.set(sessionId, left);
        watched.delete(sessionId);
        confirmed.delete(sessionId);
        waiting.delete(sessionId);
        sendWatch('unwatch', sessionId);
      },
    };
  };

  const on: Subscribe = (event, listener) => {
    if (!socket) connect();
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  };

  return { api: createApi(invoke), on, watchTerminal };
}
