import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import type { PermissionRule } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import { makeRepo } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// Another web server on 127.0.0.1 (a dev server, a notebook, or a page an attacker got the user
// to open) is the same "site" as Pitwall to the browser: every port of 127.0.0.1 shares cookies
// and SameSite. These tests open Pitwall in real Chromium, use it, then visit such a server.

let serve: ServeProcess;
let other: OtherServer;

interface OtherServer {
  origin: string;
  /** Every request it received, with all its headers. */
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A plain local web server on another port that serves `page` and records what it is sent. */
async function startOtherServer(page: () => string): Promise<OtherServer> {
  const requests: OtherServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    if (req.url === '/favicon.ico') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the other page runs on load: every way it has to read the token or to switch the gate off. */
function attackPage(pitwall: string): string {
  const script = String.raw`
    const pitwall = ${JSON.stringify(pitwall)};
    const results = { read: {}, attacks: {} };
    const settle = (p, ms = 5000) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
    const describe = (e) => (e && e.name ? e.name + ': ' + e.message : String(e));
    const allow = JSON.stringify({ effect: 'allow', toolName: '*' });

    async function readAttempts() {
      results.read.cookie = document.cookie;
      results.read.localStorage = JSON.stringify({ ...localStorage });
      results.read.sessionStorage = JSON.stringify({ ...sessionStorage });
      results.read.referrer = document.referrer;
      for (const path of ['/', '/rpc/app:info', '/assets/']) {
        try {
          const res = await fetch(pitwall + path, { method: path.startsWith('/rpc') ? 'POST' : 'GET', credentials: 'include' });
          results.read['fetch ' + path] = res.status + ' ' + (await res.text());
        } catch (e) {
          results.read['fetch ' + path] = describe(e);
        }
      }
      const frame = document.createElement('iframe');
      frame.src = pitwall + '/';
      document.body.append(frame);
      await settle(new Promise((r) => (frame.onload = r)), 3000);
      try {
        results.read.frameStorage = JSON.stringify({ ...frame.contentWindow.sessionStorage });
      } catch (e) {
        results.read.frameStorage = describe(e);
      }
      try {
        results.read.frameUrl = frame.contentWindow.location.href;
      } catch (e) {
        results.read.frameUrl = describe(e);
      }
    }

    async function switchTheGateOff() {
      try {
        const res = await fetch(pitwall + '/rpc/rules:create', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: allow, credentials: 'include' });
        results.attacks.noCorsTextPlain = 'sent (' + res.type + ')';
      } catch (e) {
        results.attacks.noCorsTextPlain = describe(e);
      }
      try {
        const res = await fetch(pitwall + '/rpc/rules:create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: allow, credentials: 'include' });
        results.attacks.corsJson = 'answered ' + res.status;
      } catch (e) {
        results.attacks.corsJson = describe(e);
      }
      // A form cannot send JSON as such, but text/plain "name=value" can spell a JSON object.
      const sink = document.createElement('iframe');
      sink.name = 'sink';
      document.body.append(sink);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = pitwall + '/rpc/rules:create';
      form.enctype = 'text/plain';
      form.target = 'sink';
      const input = document.createElement('input');
      input.name = '{"effect":"allow","toolName":"*","projectId":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      const posted = new Promise((r) => (sink.onload = () => r('form posted')));
      form.submit();
      results.attacks.formPost = await settle(posted);
      for (const [name, protocols] of [['socket', undefined], ['socketWithProtocols', ['pitwall.v1', 'pitwall.token.guess-0123456789abcdef']]]) {
        results.attacks[name] = await settle(
          new Promise((resolve) => {
            const ws = new WebSocket(pitwall.replace('http:', 'ws:') + '/events', protocols);
            ws.onopen = () => resolve('OPEN');
            ws.onerror = () => resolve('error');
            ws.onclose = (e) => resolve('closed ' + e.code);
          }),
        );
      }
    }

    (async () => {
      await readAttempts();
      await switchTheGateOff();
      window.results = results;
    })();
  `;
  return `<!doctype html><html><head><title>Some other local app</title></head><body><h1>Some other local app</h1><script>${script}</script></body></html>`;
}

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
  other = await startOtherServer(() => attackPage(serve.origin));
});
test.afterEach(async () => {
  await other.close();
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('another local server visited after Pitwall was used receives no token and cannot read it', async ({ context, page }) => {
  // Use Pitwall: open the printed link, add a project, see it listed (live, over the WebSocket).
  await openApp(page, serve);
  await page.getByLabel('Repository path').fill(makeRepo('used-before'));
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('project-item')).toHaveCount(1);
  expect(await context.cookies()).toEqual([]);

  // A second tab visits the other server, then the Pitwall tab itself goes there.
  const tab = await context.newPage();
  await tab.goto(`${other.origin}/tab`);
  await tab.waitForFunction(() => 'results' in window, undefined, { timeout: 30_000 });
  const results = await tab.evaluate(() => (window as unknown as { results: { read: Record<string, string>; attacks: Record<string, string> } }).results);
  await page.goto(`${other.origin}/same-tab`);
  await page.waitForFunction(() => 'results' in window, undefined, { timeout: 30_000 });
  const sameTab = await page.evaluate(() => (window as unknown as { results: { read: Record<string, string> } }).results);

  expect(other.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/tab', '/same-tab']));
  for (const request of other.requests) {
    expect(request.headers.cookie, request.url).toBeUndefined();
    expect(JSON.stringify(request.headers), request.url).not.toContain(serve.token);
  }
  // What the other page could read: nothing with the token, and nothing of Pitwall's answers.
  for (const read of [results.read, sameTab.read]) {
    expect(JSON.stringify(read)).not.toContain(serve.token);
    expect(read.cookie).toBe('');
    expect(read['fetch /']).toMatch(/TypeError/);
    expect(read['fetch /rpc/app:info']).toMatch(/TypeError/);
    expect(read.frameStorage).toMatch(/SecurityError/);
  }
});

test('another local page cannot switch the gate off: no-cors POST, CORS fetch, form POST and WebSocket all fail', async ({ context, page }) => {
  await rpc<Project>(serve, 'projects:add', { path: makeRepo('gated') });
  await openApp(page, serve);
  await expect(page.getByTestId('project-item')).toHaveCount(1);
  const rulesBefore = await rpc<PermissionRule[]>(serve, 'rules:list');

  const tab = await context.newPage();
  const answers: string[] = [];
  tab.on('response', (r) => {
    if (r.url().startsWith(`${serve.origin}/rpc/`)) answers.push(`${r.request().method()} ${r.status()}`);
  });
  await tab.goto(`${other.origin}/attack`);
  await tab.waitForFunction(() => 'results' in window, undefined, { timeout: 30_000 });
  const { attacks } = await tab.evaluate(() => (window as unknown as { results: { attacks: Record<string, string> } }).results);

  expect(attacks.noCorsTextPlain).toBe('sent (opaque)');
  expect(attacks.corsJson).toMatch(/TypeError/);
  expect(attacks.formPost).toBe('form posted');
  // Never opened: refused in the handshake (Chromium reports 1006, an abnormal close).
  expect(attacks.socket).not.toBe('OPEN');
  expect(attacks.socketWithProtocols).not.toBe('OPEN');
  expect(attacks.socket).toMatch(/error|closed/);
  // What Pitwall answered the requests that reached it (the no-cors POST and the form): not their origin.
  expect(answers).toEqual(['POST 403', 'POST 403']);

  const rulesAfter = await rpc<PermissionRule[]>(serve, 'rules:list');
  expect(rulesAfter).toEqual(rulesBefore);
  expect(rulesAfter.filter((r) => r.toolName === '*')).toEqual([]);

  // The same body from Pitwall's own client does create the rule, so the list above would show one.
  const created = await rpc<PermissionRule>(serve, 'rules:create', { effect: 'allow', toolName: '*' });
  expect((await rpc<PermissionRule[]>(serve, 'rules:list')).map((r) => r.id)).toContain(created.id);
});
