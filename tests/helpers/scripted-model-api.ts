import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One assistant turn the scripted model answers with. */
export type ScriptedTurn = { text: string } | { toolUse: { name: string; input: Record<string, unknown> }; text?: string };

/** The parts of a Messages API request the script looks at. */
export interface MessagesRequest {
  model?: string;
  messages?: { role: string; content: unknown }[];
  tools?: unknown[];
  stream?: boolean;
}

/** What a request to the main loop is answered with: a script by assistant turn, or a function of the request (for subagents, whose conversations start afresh). */
export type Script = ScriptedTurn[] | ((request: MessagesRequest, assistantTurns: number) => ScriptedTurn);

/** A scripted Anthropic Messages API on 127.0.0.1: the real CLI talks to it as to the real one. */
export interface ScriptedModelApi {
  url: string;
  /** Every /v1/messages request body the CLI sent, in order. */
  requests: MessagesRequest[];
  close(): Promise<void>;
}

function sse(res: http.ServerResponse, event: string, data: object): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

let toolIds = 0;
let messageIds = 0;

function streamTurn(res: http.ServerResponse, model: string, turn: ScriptedTurn): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  // Unique like the real API's: the same message id is the same response.
  const id = `msg_scripted_${Date.now()}_${++messageIds}`;
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
  });
  let index = 0;
  if ('text' in turn && turn.text) {
    sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: turn.text } });
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  if ('toolUse' in turn) {
    const toolId = `toolu_scripted_${++toolIds}`;
    sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolId, name: turn.toolUse.name, input: {} } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.toolUse.input) } });
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  }
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'toolUse' in turn ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

/**
 * Starts the scripted API. Requests carrying tools are the agent's main loop and get the turn for
 * the number of assistant turns already in the conversation; side calls (titles, summaries) get a
 * short text.
 */
export async function startScriptedModelApi(script: Script): Promise<ScriptedModelApi> {
  const requests: MessagesRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (process.env.SCRIPTED_API_DEBUG) console.error('[scripted-api]', req.method, req.url);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'HEAD' || (req.method === 'GET' && url.pathname === '/')) {
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 42 }));
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not scripted' } }));
        return;
      }
      let body: MessagesRequest = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessagesRequest;
      } catch {
        // Answer with the default below.
      }
      requests.push(body);
      const model = body.model ?? 'claude-scripted';
      const isMainLoop = Array.isArray(body.tools) && body.tools.length > 0;
      const assistantTurns = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
      const scripted = typeof script === 'function' ? script(body, assistantTurns) : script[assistantTurns];
      const turn: ScriptedTurn = isMainLoop ? (scripted ?? { text: 'Done.' }) : { text: 'Scripted title' };
      if (body.stream === false) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ id: 'msg_side', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'text' in turn ? turn.text : 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 2 } }),
        );
        return;
      }
      streamTurn(res, model, turn);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
