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
  /**
   * Per tool_use id: when the response carrying it ended, and when the request carrying its
   * tool_result arrived (performance.now() of this process): the agent's whole tool round trip.
   */
  toolTimings: Map<string, { sentAt: number; resultAt: number | null }>;
  close(): Promise<void>;
}

function sse(res: http.ServerResponse, event: string, data: object): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

let toolIds = 0;
let messageIds = 0;

function streamTurn(res: http.ServerResponse, model: string, turn: ScriptedTurn, onToolUse: (id: string) => void = () => undefined): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  // Unique like the real API's: the same message id is the same response.
  const id = `msg_scripted_${Date.now()}_${++messageIds}`;
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
  });
  let index = 0;
  let toolId: string | null = null;
  if ('text' in turn && turn.text) {
    sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: turn.text } });
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  if ('toolUse' in turn) {
    toolId = `toolu_scripted_${++toolIds}`;
    sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolId, name: turn.toolUse.name, input: {} } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.toolUse.input) } });
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  }
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'toolUse' in turn ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
  if (toolId) onToolUse(toolId);
}

/** Options of {@link startScriptedModelApi}. */
export interface ScriptedModelApiOptions {
  /** Other scripts, picked when the conversation's first user message contains the key (several agents, one API). */
  scripts?: Record<string, ScriptedTurn[]>;
  /** Main-loop answers wait for this (a test holds the agents while it does something else). */
  hold?: Promise<void>;
}

/** The text of the first user message of a conversation. */
function firstUserText(body: MessagesRequest): string {
  const first = (body.messages ?? []).find((m) => m.role === 'user');
  return first ? JSON.stringify(first.content) : '';
}

/**
 * Starts the scripted API. Requests carrying tools are the agent's main loop and get the turn for
 * the number of assistant turns already in the conversation; side calls (titles, summaries) get a
 * short text.
 */
export async function startScriptedModelApi(script: Script, options: ScriptedModelApiOptions = {}): Promise<ScriptedModelApi> {
  const requests: MessagesRequest[] = [];
  const toolTimings = new Map<string, { sentAt: number; resultAt: number | null }>();
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
      for (const message of body.messages ?? []) {
        if (message.role !== 'user' || !Array.isArray(message.content)) continue;
        for (const block of message.content as { type?: string; tool_use_id?: string }[]) {
          const timing = block.type === 'tool_result' && block.tool_use_id ? toolTimings.get(block.tool_use_id) : undefined;
          if (timing && timing.resultAt === null) timing.resultAt = performance.now();
        }
      }
      const model = body.model ?? 'claude-scripted';
      const isMainLoop = Array.isArray(body.tools) && body.tools.length > 0;
      const assistantTurns = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
      const first = firstUserText(body);
      const chosen: Script = Object.entries(options.scripts ?? {}).find(([key]) => first.includes(key))?.[1] ?? script;
      const scripted = typeof chosen === 'function' ? chosen(body, assistantTurns) : chosen[assistantTurns];
      const turn: ScriptedTurn = isMainLoop ? (scripted ?? { text: 'Done.' }) : { text: 'Scripted title' };
      if (body.stream === false) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ id: 'msg_side', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'text' in turn ? turn.text : 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 2 } }),
        );
        return;
      }
      const answer = (): void => streamTurn(res, model, turn, (id) => toolTimings.set(id, { sentAt: performance.now(), resultAt: null }));
      if (isMainLoop && options.hold) void options.hold.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    toolTimings,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
