import type { Result } from '../../src-common/result';
import type { ServeProcess } from './serve-process';

/** Calls a channel of a running headless shell over HTTP, as the web client does; throws on an error result. */
export async function rpc<T>(serve: ServeProcess, channel: string, request: unknown = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${serve.port}/rpc/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const result = (await response.json()) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}
