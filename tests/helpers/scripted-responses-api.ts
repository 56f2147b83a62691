import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the scripted Responses API: a text, or a function call for the CLI to run. */
export type ScriptedResponse = { text: string } | { functionCall: { name: string; arguments: Record<string, unknown> } };

/** A scripted OpenAI Responses API on 127.0.0.1, for the real Codex CLI. */
export interface ScriptedResponsesApi {
  url: string;
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

function sse(res: http.ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/**
 * Answers `POST /v1/responses` (streamed) from the script. The next answer is picked by how many tool
 * outputs the request already carries, so a retry of the same turn gets the same answer.
 */
export async function startScriptedResponsesApi(script: ScriptedResponse[]): Promise<ScriptedResponsesApi> {
  const requests: Record<string, unknown>[] = [];
  let counter = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/responses')) {
        res.writeHead(req.method === 'GET' && req.url?.startsWith('/v1/models') ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.url?.startsWith('/v1/models') ? { object: 'list', data: [] } : { error: 'not scripted' }));
        return;
      }
      const request = JSON.parse(body || '{}') as Record<string, unknown>;
      requests.push(request);
      const input = Array.isArray(request.input) ? (request.input as Record<string, unknown>[]) : [];
      const turn = input.filter((i) => i.type === 'function_call_output').length;
      const answer = script[Math.min(turn, script.length - 1)] ?? { text: 'done' };
      const id = `resp_${++counter}`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      sse(res, 'response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
      const item =
        'text' in answer
          ? { type: 'message', id: `msg_${counter}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer.text, annotations: [] }] }
          : { type: 'function_call', id: `fc_${counter}`, call_id: `call_${counter}`, name: answer.functionCall.name, arguments: JSON.stringify(answer.functionCall.arguments), status: 'completed' };
      sse(res, 'response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress' } });
      if ('text' in answer) sse(res, 'response.output_text.delta', { output_index: 0, content_index: 0, item_id: item.id, delta: answer.text });
      sse(res, 'response.output_item.done', { output_index: 0, item });
      sse(res, 'response.completed', {
        response: {
          id,
          object: 'response',
          status: 'completed',
          output: [item],
          usage: { input_tokens: 1200 + turn * 100, input_tokens_details: { cached_tokens: 1000 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1240 + turn * 100 },
        },
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
