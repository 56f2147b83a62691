import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from '../helpers/rpc';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// Attacks on what the headless shell parses before it authenticates, sent as raw bytes to a real
// shell process: each gets a 4xx answer, and the same process answers normally afterwards.

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServeProcess(tempDir('pitwall-malformed-'), [], undefined, { fromSource: true });
});
afterAll(async () => {
  await serve?.stop();
  removeTempDirs();
});

/** Sends `request` as is and answers the status code of the reply ('closed' when none came). */
function send(request: string): Promise<number | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(serve.port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within 10 s to ${JSON.stringify(request)}; got ${JSON.stringify(reply)}`));
    }, 10_000);
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(reply)?.[1];
      resolve(status ? Number(status) : 'closed');
    };
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      // A full head is enough: a 101 keeps the socket open.
      if (reply.includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.write(request, 'latin1');
  });
}

const host = (): string => `Host: 127.0.0.1:${serve.port}`;
const upgrade = (target: string, extra: string[] = []): string =>
  [`GET ${target} HTTP/1.1`, host(), 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', ...extra, '', ''].join('\r\n');
const post = (target: string, extra: string[] = [], body = '{}'): string =>
  [`POST ${target} HTTP/1.1`, host(), 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...extra, '', body].join('\r\n');
const get = (target: string, extra: string[] = []): string => [`GET ${target} HTTP/1.1`, host(), 'Connection: close', ...extra, '', ''].join('\r\n');

describe('requests the headless shell parses before authenticating', () => {
  it('answer 400, 401 or 404, never a crash or a 500, and the process keeps answering', async () => {
    const bearer = `Authorization: Bearer ${serve.token}`;
    const cases: [string, string, number | 'closed'][] = [
      // The cookie that used to crash the shell is ignored: cookies carry nothing any more.
      ['malformed cookie on the /events upgrade', upgrade('/events', ['Cookie: pitwall_token=%E0%A4%A']), 401],
      ['malformed cookie next to a valid token on the upgrade', upgrade('/events', ['Cookie: pitwall_token=%E0%A4%A', `Sec-WebSocket-Protocol: pitwall.v1, pitwall.token.${serve.token}`]), 101],
      ['malformed cookie on plain HTTP', post('/rpc/projects:list', ['Cookie: pitwall_token=%E0%A4%A; x=%']), 401],
      ['malformed cookie with the bearer token', post('/rpc/projects:list', ['Cookie: pitwall_token=%E0%A4%A', bearer]), 200],
      ['percent garbage in the token subprotocol', upgrade('/events', ['Sec-WebSocket-Protocol: pitwall.v1, pitwall.token.%E0%A4%A']), 401],
      ['empty names in Sec-WebSocket-Protocol', upgrade('/events', ['Sec-WebSocket-Protocol: ,,']), 400],
      ['quoted name in Sec-WebSocket-Protocol', upgrade('/events', ['Sec-WebSocket-Protocol: pitwall.v1, "x"']), 400],
      ['repeated name in Sec-WebSocket-Protocol', upgrade('/events', [`Sec-WebSocket-Protocol: pitwall.v1, pitwall.v1, pitwall.token.${serve.token}`]), 400],
      ['bad percent-encoding in the upgrade path', upgrade('/events%E0%A4%A'), 400],
      ['bad percent-encoding in the upgrade query', upgrade('/events?token=%E0%A4%A'), 401],
      ['NUL in the upgrade path', upgrade('/events%00'), 400],
      ['upgrade to another path', upgrade('/rpc/projects:list', [bearer]), 404],
      ['bad percent-encoding in an /rpc channel', post('/rpc/%E0%A4%A', [bearer]), 400],
      ['bad percent-encoding in an /rpc channel, without the token', post('/rpc/%E0%A4%A'), 400],
      ['NUL in a page path', get('/%00'), 400],
      ['NUL in an asset path', get('/assets/x%00.js'), 400],
      ['a file path under a file', get('/index.html/x.js'), 404],
      ['an over-long file name', get(`/${'a'.repeat(4000)}.js`), 404],
      ['a backslash path', get('/..%5C..%5Cetc%5Cpasswd'), 400],
      ['dot segments out of the root', get('/../../../../etc/passwd.txt'), 404],
      ['asterisk-form target', get('*'), 400],
      ['absolute-form target', get(`http://127.0.0.1:${serve.port}/rpc/projects:list`), 400],
      ['scheme-relative target', get('//evil.example/x'), 400],
      ['a bearer header with percent garbage', post('/rpc/projects:list', ['Authorization: Bearer %E0%A4%A']), 401],
      ['a bearer header of spaces', post('/rpc/projects:list', ['Authorization: Bearer    ']), 401],
      ['garbage request line', 'HELLO THERE\r\n\r\n', 400],
      // Taken as HTTP/0.9, which has no Host header to match.
      ['a request line with no version', 'GET /\r\n\r\n', 403],
      ['control characters in a header', get('/', ['X-Bad: a\x01b']), 400],
      ['a header without a colon', get('/', ['no colon here']), 400],
      ['a non-numeric Content-Length', [`POST /rpc/projects:list HTTP/1.1`, host(), 'Content-Length: abc', '', ''].join('\r\n'), 400],
      ['no Host header', ['GET / HTTP/1.1', 'Connection: close', '', ''].join('\r\n'), 400],
      ['binary noise', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 400],
    ];
    const answers: string[] = [];
    for (const [what, request] of cases) answers.push(`${what}: ${await send(request)}`);
    expect(answers).toEqual(cases.map(([what, , expected]) => `${what}: ${expected}`));
    // Clients that reset the connection mid-handshake or mid-body.
    for (const request of [upgrade('/events', [`Sec-WebSocket-Protocol: pitwall.v1, pitwall.token.${serve.token}`]), upgrade('/events'), post('/rpc/projects:add', [bearer], `{"path":"${'x'.repeat(100_000)}"}`).slice(0, 50_000)]) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(serve.port, '127.0.0.1', () => socket.write(request, 'latin1', () => (socket.resetAndDestroy(), resolve())));
        socket.on('error', () => resolve());
      });
    }
    // The same process, still up, answers as before.
    expect(serve.child.exitCode).toBeNull();
    expect(await rpc<unknown[]>(serve, 'projects:list')).toEqual([]);
    expect(serve.output()).not.toMatch(/URIError|request failed|upgrade failed/);
  });
});
