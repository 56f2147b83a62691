import fs from 'node:fs';
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
  shell = await startHeadlessShell({ dataDir: tempDir('pitwall-data-'), migrationsDir: MIGRATIONS_DIR, staticDir, port: 0, token: TOKEN, version: 'test' });
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

describe('headless shell', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(shell.server.url).toBe(`http://127.0.0.1:${shell.server.port}/?token=${TOKEN}`);
  });

  it('answers 401 and nothing else without the token or with a wrong one', async () => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }, { cookie: 'pitwall_token=wrong' }]) {
      const res = await rpc('projects:list', {}, headers);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Unauthorized');
    }
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    expect((await fetch(`${base}/?token=nope`, { redirect: 'manual' })).status).toBe(401);
  });

  it('trades a page URL token for an HttpOnly cookie that then authorizes requests', async () => {
    const first = await fetch(shell.server.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<title>Pitwall</title>');
    const list = await rpc('projects:list', {}, { cookie: cookie.split(';')[0]! });
    expect(await list.json()).toEqual({ ok: true, value: [] });
  });

  it('refuses requests whose Host is not the loopback address (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: shell.server.port, path: '/rpc/projects:list', method: 'POST', headers: { ...auth, host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('answers bad requests as errors with useful messages', async () => {
    const unknown = await rpc('projects:explode', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const notJson = await fetch(`${base}/rpc/projects:add`, { method: 'POST', headers: auth, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
    const invalid = await rpc('projects:add', { path: 42 });
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('path') } });
    expect((await fetch(`${base}/rpc/projects:list`, { headers: auth })).status).toBe(405);
  });

  it('pushes events over the WebSocket to authorized clients only', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${shell.server.port}/events`);
    const refusedOutcome = await new Promise<string>((resolve) => {
      refused.on('open', () => resolve('open'));
      refused.on('error', (e) => resolve(String(e.message)));
    });
    expect(refusedOutcome).toMatch(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${shell.server.port}/events`, { headers: auth });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    // Other events (the transcript scan's progress) may come first; wait for the one this request causes.
    const received = new Promise<unknown>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event: string };
        if (message.event === 'projects:changed') resolve(message);
      }),
    );
    const added = (await (await rpc('projects:add', { path: makeRepo() })).json()) as { ok: true; value: { id: string } };
    expect(await received).toEqual({ event: 'projects:changed', payload: { projectId: added.value.id } });
    ws.close();
  });
});
