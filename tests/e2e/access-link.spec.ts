import { expect, test, type Request } from '@playwright/test';
import type { Project } from '../../src-common/domain/project';
import { makeRepo } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

let serve: ServeProcess;

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => {
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('the printed link opens the app, leaves no token in the address bar or a cookie, and survives a reload', async ({ context, page }) => {
  const rpcRequests: Request[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/rpc/')) rpcRequests.push(r);
  });
  const socketProtocols: string[] = [];
  page.on('websocket', (ws) => socketProtocols.push(ws.url()));

  await openApp(page, serve);
  expect(page.url()).toBe(`${serve.origin}/`);
  expect(await context.cookies()).toEqual([]);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  // Every request carries the token as a bearer header, never in its URL.
  expect(rpcRequests.length).toBeGreaterThan(0);
  for (const r of rpcRequests) {
    expect(await r.headerValue('authorization')).toBe(`Bearer ${serve.token}`);
    expect(r.url()).not.toContain(serve.token);
  }
  // Events arrive over the socket: a project added elsewhere shows up without a reload.
  await rpc<Project>(serve, 'projects:add', { path: makeRepo('live') });
  await expect(page.getByTestId('project-item')).toHaveCount(1);
  expect(socketProtocols.every((url) => url === `ws://127.0.0.1:${serve.port}/events`)).toBe(true);

  await page.reload();
  await expect(page.getByTestId('project-item')).toHaveCount(1);
  await page.goto(`${serve.origin}/#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});

test('a page opened without the token, with a wrong one, or with the old ?token= link shows how to open Pitwall', async ({ browser }) => {
  const cases: [string, string, string][] = [
    [`${serve.origin}/`, 'missing', 'Open Pitwall from the link it printed'],
    [`${serve.origin}/#/history`, 'missing', 'Open Pitwall from the link it printed'],
    [`${serve.origin}/#token=wrong-token-0123456789`, 'refused', 'This link is no longer valid'],
    [`${serve.origin}/?token=${serve.token}`, 'old-link', 'This link is in an old format'],
  ];
  for (const [url, reason, title] of cases) {
    // A fresh tab each time: the token lives in one tab's sessionStorage.
    const page = await browser.newPage();
    await page.goto(url);
    const screen = page.getByTestId('access-screen');
    await expect(screen, url).toBeVisible();
    await expect(screen).toHaveAttribute('data-reason', reason);
    await expect(page.getByRole('heading', { name: title })).toBeVisible();
    await expect(screen).toContainText(`Pitwall listening on ${serve.origin}/#token=`);
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    expect(page.url()).not.toContain('token=');
    // A refused token is forgotten: a reload asks for the link again instead of retrying it.
    await page.reload();
    await expect(page.getByTestId('access-screen')).toHaveAttribute('data-reason', 'missing');
    await page.close();
  }
});

test('a tab whose token stops working (Pitwall restarted with a new one) shows the access screen, and the new link pasted in the same tab opens the app', async ({ page }) => {
  await openApp(page, serve);
  await page.evaluate(() => sessionStorage.setItem('pitwall.token', 'stale-token-0123456789'));
  await page.reload();
  await expect(page.getByTestId('access-screen')).toHaveAttribute('data-reason', 'refused');
  await openApp(page, serve);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});
