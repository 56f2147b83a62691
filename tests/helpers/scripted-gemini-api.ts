import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the scripted Gemini API: a text, or a function call for the CLI to run. */
export type ScriptedGeminiAnswer = { text: string } | { functionCall: { name: string; args: Record<string, unknown> } };

/** A scripted Gemini API (generativelanguage v1beta) on 127.0.0.1, for the real Gemini CLI. */
export interface ScriptedGeminiApi {
  /** For `GOOGLE_GEMINI_BASE_URL` (no `/v1beta`). */
  url: string;
  /** The bodies of the `streamGenerateContent` calls (the agent's turns), in order. */
  requests: { contents?: unknown[] }[];
  close(): Promise<void>;
}

const usage = (turn: number) => ({ promptTokenCount: 900 + turn * 50, candidatesTokenCount: 30, totalTokenCount: 930 + turn * 50 });

/**
 * Answers `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` from the script (server-sent
 * events, one chunk) and the model router's `:generateContent` (a JSON choice of model). The next
 * answer is picked by how many function responses the request already carries, so a retry of the
 * same turn gets the same answer.
 */
export async function startScriptedGeminiApi(script: ScriptedGeminiAnswer[], options: { hold?: Promise<void> } = {}): Promise<ScriptedGeminiApi> {
  const requests: { contents?: unknown[] }[] = [];
  const answerTurn = (res: http.ServerResponse, request: { contents?: unknown[] }): void => {
    const turn = (JSON.stringify(request.contents ?? []).match(/"functionResponse"/g) ?? []).length;
    const answer = script[Math.min(turn, script.length - 1)] ?? { text: 'done' };
    const part = 'text' in answer ? { text: answer.text } : { functionCall: { name: answer.functionCall.name, args: answer.functionCall.args } };
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(turn), modelVersion: 'gemini-scripted' })}\r\n\r\n`);
    res.end();
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = req.url ?? '';
      let request: { contents?: unknown[] } = {};
      try {
        request = JSON.parse(body || '{}') as typeof request;
      } catch {
        // Answered below like any other request.
      }
      if (req.method === 'POST' && url.includes(':streamGenerateContent')) {
        requests.push(request);
        // Held answers let a test do something (kill Pitwall's core) between the request and the tool call.
        void (options.hold ?? Promise.resolve()).then(() => answerTurn(res, request));
        return;
      }
      if (req.method === 'POST' && url.includes(':generateContent')) {
        // The model router (and other side calls) want one JSON answer.
        const text = JSON.stringify({ reasoning: 'scripted', model_choice: 'flash' });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(0) }));
        return;
      }
      if (req.method === 'POST' && url.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ totalTokens: 100 }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, message: `not scripted: ${req.method} ${url}`, status: 'NOT_FOUND' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
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
