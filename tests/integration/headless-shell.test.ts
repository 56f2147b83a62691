import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHeadlessShell, type HeadlessShell } from '../../src-main/headless-shell';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

let shell: HeadlessShell;
let base: string;
const TOKEN = 'test-token-0123456789';

beforeEach(async () => {
  const staticDir = tempDir('pitwall-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Pitwall</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  shell = await startHeadlessShell({ dataDir: tempDir('pitwall-data-'), migrationsDir: MIGRATIONS_DIR, staticDir, port: 0, token: TOKEN, version: 'test', transcriptRoots: [] });
  base = `http://127.0.0.1:${shell.server.port}`;
});
afterEach(async () => {
  await shell.dispose();
});
afterAll(removeTempDirs);

const auth = { authorization: `Bearer ${TOKEN}` };

function rpc(channel: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${base}/rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A request through node:http, which (unlike fetch) lets a test set Host and Origin. */
function rawHttp(options: http.RequestOptions, body = ''): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: shell.server.port, ...options }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens `/events` and answers 'open' (with the selected subprotocol) or the handshake's error. */
function openEvents(protocols: string[] | undefined, headers: Record<string, string> = {}): Promise<{ outcome: string; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${shell.server.port}/events`, protocols, { headers });
  return new Promise((resolve) => {
    ws.on('open', () => resolve({ outcome: `open ${ws.protocol}`, ws }));
    ws.on('error', (e) => resolve({ outcome: String(e.message), ws }));
  });
}

async function projectCount(): Promise<number> {
  const list = (await (await rpc('projects:list', {})).json()) as { ok: true; value: unknown[] };
  return list.value.length;
}

describe('headless shell', () => {
  it('prints a loopback URL carrying the token in its fragment, never in a query', () => {
    expect(shell.server.url).toBe(`http://127.0.0.1:${shell.server.port}/#token=${TOKEN}`);
    expect(new URL(shell.server.url).search).toBe('');
  });

  it('serves the page and its assets without the token, and sets no cookie', async () => {
    for (const file of ['/', '/assets/app.js', '/#/projects']) {
      const res = await fetch(`${base}${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    }
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('<title>Pitwall</title>');
  });

  it('answers 401 on /rpc without the bearer token, with a wrong one, or with the token in a cookie or a query', async () => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { cookie: `pitwall_token=${TOKEN}` }]) {
      const res = await rpc('projects:list', {}, headers);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Unauthorized');
    }
    const withQuery = await fetch(`${base}/rpc/projects:list?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(withQuery.status).toBe(401);
    // The old link format opens the page (which then says the link is outdated) but sets nothing.
    const oldLink = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(oldLink.status).toBe(200);
    expect(oldLink.headers.get('set-cookie')).toBeNull();
    expect((await rpc('projects:list', {})).status).toBe(200);
  });

  it('refuses /rpc from another origin, even with the token, and accepts its own origins and none', async () => {
    const post = (origin: string | undefined) =>
      rawHttp({ path: '/rpc/projects:add', method: 'POST', headers: { ...auth, 'content-type': 'application/json', host: `127.0.0.1:${shell.server.port}`, ...(origin ? { origin } : {}) } }, JSON.stringify({ path: makeRepo() }));
    for (const origin of ['http://127.0.0.1:9', `http://127.0.0.1:${shell.server.port + 1}`, 'http://localhost:3000', 'null', `https://127.0.0.1:${shell.server.port}`, 'http://evil.example']) {
      const res = await post(origin);
      expect(res.status, origin).toBe(403);
      expect(res.text).toBe('Forbidden origin');
    }
    expect(await projectCount()).toBe(0);
    expect((await post(`http://127.0.0.1:${shell.server.port}`)).status).toBe(200);
    expect((await post(`http://localhost:${shell.server.port}`)).status).toBe(200);
    expect((await post(undefined)).status).toBe(200);
  });

  it('takes /rpc bodies only as application/json (415 otherwise)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '']) {
      const res = await fetch(`${base}/rpc/projects:add`, { method: 'POST', headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, body: JSON.stringify({ path: makeRepo() }) });
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Send the request as application/json.' } });
    }
    expect(await projectCount()).toBe(0);
    const withCharset = await fetch(`${base}/rpc/projects:list`, { method: 'POST', headers: { ...auth, 'content-type': 'Application/JSON; charset=utf-8' }, body: '{}' });
    expect(withCharset.status).toBe(200);
  });

  it('refuses requests whose Host is not the loopback address (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${shell.server.port}`, `[::1]:${shell.server.port}`, `127.0.0.1:${shell.server.port + 1}`]) {
      const res = await rawHttp({ path: '/rpc/projects:list', method: 'POST', headers: { ...auth, 'content-type': 'application/json', host } }, '{}');
      expect(res.status, host).toBe(403);
    }
    expect((await rawHttp({ path: '/', headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('answers a 5 MB body with a 413 JSON error, not a reset, and keeps serving', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(5 * 1024 * 1024) });
    const res = await fetch(`${base}/rpc/projects:add`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('over the limit') } });

    // Without a Content-Length (chunked), the limit is found while reading.
    const streamed = await rawHttp({ path: '/rpc/projects:add', method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, big);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await projectCount()).toBe(0);
  });

  it('answers bad requests as errors with useful messages', async () => {
    const unknown = await rpc('projects:explode', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const notJson = await fetch(`${base}/rpc/projects:add`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
    const invalid = await rpc('projects:add', { path: 42 });
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('path') } });
    expect((await fetch(`${base}/rpc/projects:list`, { headers: auth })).status).toBe(405);
    expect((await fetch(`${base}/events`)).status).toBe(426);
  });

  it('pushes events over the WebSocket to clients with the token as a subprotocol or a bearer header', async () => {
    const viaProtocol = await openEvents(['pitwall.v1', `pitwall.token.${TOKEN}`]);
    // The server picks the event protocol and never echoes the token back.
    expect(viaProtocol.outcome).toBe('open pitwall.v1');
    const viaHeader = await openEvents(undefined, auth);
    expect(viaHeader.outcome).toBe('open ');
    // Other events (the transcript scan's progress) may come first; wait for the one this request causes.
    const received = (ws: WebSocket) =>
      new Promise<unknown>((resolve) =>
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { event: string };
          if (message.event === 'projects:changed') resolve(message);
        }),
      );
    const both = Promise.all([received(viaProtocol.ws), received(viaHeader.ws)]);
    const added = (await (await rpc('projects:add', { path: makeRepo() })).json()) as { ok: true; value: { id: string } };
    for (const message of await both) expect(message).toEqual({ event: 'projects:changed', payload: { projectId: added.value.id } });
    viaProtocol.ws.close();
    viaHeader.ws.close();
  });

  it('refuses a WebSocket without the token, with a wrong one, from another origin, or with a malformed protocol list', async () => {
    const cases: [string[] | undefined, Record<string, string>, RegExp][] = [
      [undefined, {}, /401/],
      [['pitwall.v1', 'pitwall.token.wrong-token-0123456789'], {}, /401/],
      [['pitwall.v1'], { cookie: `pitwall_token=${TOKEN}` }, /401/],
      [['pitwall.v1', `pitwall.token.${TOKEN}`], { origin: 'http://127.0.0.1:9' }, /403/],
      [['pitwall.v1', `pitwall.token.${TOKEN}`], { origin: 'null' }, /403/],
      [undefined, { ...auth, origin: `http://localhost:${shell.server.port + 1}` }, /403/],
      // Only the token protocol: the server could not select one the browser would accept.
      [[`pitwall.token.${TOKEN}`], {}, /400/],
    ];
    for (const [protocols, headers, expected] of cases) {
      const { outcome } = await openEvents(protocols, headers);
      expect(outcome, JSON.stringify([protocols, headers])).toMatch(expected);
    }
    const own = await openEvents(['pitwall.v1', `pitwall.token.${TOKEN}`], { origin: `http://localhost:${shell.server.port}` });
    expect(own.outcome).toBe('open pitwall.v1');
    own.ws.close();
  });
});
