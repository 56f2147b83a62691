import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { makeRepo } from '../helpers/git-repo';
import { freshDatabase, type TestDatabase } from '../helpers/postgres';
import { rpc } from '../helpers/rpc';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { startTeamServerProcess, teamServerCommand, type TeamServerProcess } from '../helpers/team-server-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { openApp } from '../helpers/open-app';

// Screenshots to look at, in an ignored folder (never the README's pictures).
const SHOTS = path.resolve(__dirname, '../../test-results/screenshots');

let db: TestDatabase;
let team: TeamServerProcess;
let serve: ServeProcess;

test.beforeEach(async () => {
  db = await freshDatabase('pitwall_e2e');
  team = await startTeamServerProcess(db.url);
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => {
  await serve?.stop();
  await team?.stop();
  await db?.drop();
});
test.afterAll(removeTempDirs);

async function teamRows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

test('join a team with an enrollment code, turn one project on, see it arrive; a removed device is told so', async ({ page }) => {
  const created = await teamServerCommand(['org', 'create', 'Acme Robotics', '--database-url', db.url]);
  expect(created.code, created.stderr).toBe(0);
  const adminToken = /^(pwa\.\S+)$/m.exec(created.stdout)![1]!;
  const adminEnv = { ...process.env, PITWALL_ADMIN_TOKEN: adminToken, PITWALL_DATABASE_URL: db.url };
  const invite = await teamServerCommand(['device', 'invite', '--member', 'ann'], adminEnv);
  const code = /^(pwe\.\S+)$/m.exec(invite.stdout)![1]!;

  const shop = await rpc<{ id: string }>(serve, 'projects:add', { path: makeRepo('shop-api') });
  const secret = await rpc<{ id: string }>(serve, 'projects:add', { path: makeRepo('side-project') });
  await rpc(serve, 'tasks:create', { projectId: shop.id, title: 'Retry failed webhooks', description: 'Use exponential backoff' });
  await rpc(serve, 'tasks:create', { projectId: secret.id, title: 'Private idea' });

  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve, 'settings');
  const section = page.getByRole('region', { name: 'Team' });
  await expect(section.getByRole('button', { name: 'Join team' })).toBeDisabled();
  await section.getByLabel('Team server URL').fill(team.url);
  await section.getByLabel('Enrollment code').fill('pwe.not-a-real-code-at-all');
  await section.getByRole('button', { name: 'Join team' }).click();
  await expect(section.getByRole('alert')).toContainText('not an enrollment code');
  await section.getByLabel('Enrollment code').fill(code);
  await section.getByRole('button', { name: 'Join team' }).click();
  await expect(section.getByText('Acme Robotics')).toBeVisible();
  await expect(page.getByRole('status', { name: /Team: up to date/ })).toBeVisible();

  // Nothing leaves until a project is turned on.
  expect(await teamRows(`SELECT id FROM projects`)).toEqual([]);
  const toggle = section.getByRole('switch', { name: 'Push shop-api to the team' });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await expect.poll(async () => (await teamRows(`SELECT name FROM projects`)).map((r) => r.name), { timeout: 20_000 }).toEqual(['shop-api']);
  await expect.poll(async () => (await teamRows(`SELECT title FROM tasks`)).map((r) => r.title), { timeout: 20_000 }).toEqual(['Retry failed webhooks']);
  await expect(section.getByTestId('team-queue')).toHaveText('Nothing');
  await expect(section.getByTestId('team-last-success')).not.toHaveText('never');
  expect(await teamRows(`SELECT hostname FROM machines`)).toHaveLength(1);

  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'team-settings-1280x800.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: path.join(SHOTS, 'team-settings-1920x1080.png') });

  // Metadata only: the next task's description does not leave the machine.
  await section.getByRole('radio', { name: /Metadata only/ }).click();
  await expect(section.getByRole('radio', { name: /Metadata only/ })).toBeChecked();
  await rpc(serve, 'tasks:create', { projectId: shop.id, title: 'Rotate keys', description: 'the secret plan' });
  await expect.poll(async () => (await teamRows(`SELECT description FROM tasks WHERE title = 'Rotate keys'`)).map((r) => r.description), { timeout: 20_000 }).toEqual([null]);

  const status = await rpc<{ team: { deviceId: string } }>(serve, 'team:status');
  const revoked = await teamServerCommand(['device', 'revoke', status.team.deviceId], adminEnv);
  expect(revoked.code, revoked.stderr).toBe(0);
  await rpc(serve, 'tasks:create', { projectId: shop.id, title: 'After removal' });
  await section.getByRole('button', { name: 'Push now' }).click();
  await expect(section.getByRole('alert')).toContainText('This device was removed from the team.');
  await expect(page.getByRole('status', { name: 'Removed from the team' })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'team-settings-removed-1920x1080.png') });
});

test('the join form at both sizes, before any team', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve, 'settings');
  const section = page.getByRole('region', { name: 'Team' });
  await expect(section.getByRole('form', { name: 'Join a team' })).toBeVisible();
  await section.getByLabel('Team server URL').fill('http://10.0.0.5:8443');
  await section.getByLabel('Enrollment code').fill('pwe.aaaaaaaaaaaaaaaa');
  await section.getByRole('button', { name: 'Join team' }).click();
  await expect(section.getByRole('alert')).toContainText('unencrypted');
  await page.screenshot({ path: path.join(SHOTS, 'team-join-1280x800.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: path.join(SHOTS, 'team-join-1920x1080.png') });
  await expect(page.getByRole('status', { name: /Team/ })).toHaveCount(0);
});
