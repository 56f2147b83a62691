import { createApi, type Invoke, type PitwallClient, type Subscribe } from '../../src-common/client';
import { isEventName, type EventName } from '../../src-common/contract';
import type { Result } from '../../src-common/result';

type Listener = (payload: unknown) => void;

/**
 * The client used when the renderer is served by the headless shell: requests go to
 * `POST /rpc/<channel>`, events arrive over the `/events` WebSocket. Auth rides on the cookie the
 * shell set when the page was opened with `?token=`.
 */
export function createWebClient(base: URL = new URL(window.location.href)): PitwallClient {
  const invoke: Invoke = async (channel, request) => {
    try {
      const response = await fetch(new URL(`/rpc/${channel}`, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(request ?? {}),
      });
      if (response.status === 401) {
        return { ok: false, error: { code: 'unauthorized', message: 'The session token was refused: open the URL Pitwall printed at start.', retryable: false } };
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
    const url = new URL('/events', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 500;
    };
    socket.onmessage = (message) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data)) as typeof parsed;
      } catch {
        return;
      }
      if (typeof parsed.event !== 'string' || !isEventName(parsed.event)) return;
      for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.payload);
    };
    socket.onclose = () => {
      socket = null;
      // Reconnect with backoff: the shell may be restarting; views re-read on the next event.
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  const on: Subscribe = (event, listener) => {
    if (!socket) connect();
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  };

  return { api: createApi(invoke), on };
}
