import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { UpdateStatus } from '../../src-common/domain/update';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { openApp } from '../helpers/open-app';

// The updater (electron-updater in the packaged desktop app) cannot run here: its answers are
// stood in for over the rpc, so the page's side of the flow is checked as a person would see it.

const SHOTS = process.env.PITWALL_SCREENSHOTS ?? path.join(os.tmpdir(), 'pitwall-screenshots');
let serve: ServeProcess;

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => serve.stop());
test.afterAll(removeTempDirs);

const ready: UpdateStatus = {
  phase: 'ready',
  currentVersion: '0.1.0',
  version: '0.2.0',
  releaseNotes: 'Pitwall 0.2.0\n\n• A tray icon with approvals you can allow from the menu\n• <b>Open in</b> your editor at the line\n• Installers for Linux, macOS and Windows',
  releaseDate: '2026-01-02T00:00:00.000Z',
  progress: 100,
  detail: null,
  checkedAt: Date.now(),
  canKeepAgents: true,
};

test('the Updates section shows the notes as text and asks about running agents before restarting', async ({ page }) => {
  const installs: unknown[] = [];
  await page.route('**/rpc/app:info', async (route) => {
    const real = await route.fetch();
    const body = (await real.json()) as { ok: true; value: Record<string, unknown> };
    await route.fulfill({ json: { ok: true, value: { ...body.value, shell: 'electron' } } });
  });
  await page.route('**/rpc/updates:status', (route) => route.fulfill({ json: { ok: true, value: ready } }));
  await page.route('**/rpc/updates:install', async (route) => {
    const request = route.request().postDataJSON() as { agents?: string };
    installs.push(request);
    if (!request.agents) {
      await route.fulfill({ json: { ok: false, error: { code: 'agents_running', message: '2 agents are running. Keep them running through the restart, or stop them first?', retryable: false } } });
    } else {
      await route.fulfill({ json: { ok: true, value: ready } });
    }
  });

  await openApp(page, serve);
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    installs.length = 0;
    await page.setViewportSize(size);
    await page.goto(`${serve.origin}/#/settings`);
    await page.reload();
    const updates = page.getByRole('region', { name: 'Updates' });
    await expect(updates.getByTestId('update-phase')).toHaveText('Ready to install');
    await expect(updates.getByRole('heading', { name: 'What’s new in 0.2.0' })).toBeVisible();
    // Markup in the notes stays text.
    await expect(updates.locator('.release-notes')).toContainText('<b>Open in</b> your editor');
    await expect(updates.locator('.release-notes b')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Notifications' }).getByLabel(/Keep Pitwall running in the tray/)).toBeChecked();

    await updates.getByRole('button', { name: 'Restart to update' }).click();
    const question = updates.getByRole('alertdialog', { name: 'Agents are running' });
    await expect(question).toContainText('2 agents are running');
    await updates.scrollIntoViewIfNeeded();
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `updates-ready-${size.width}.png`), fullPage: false });
    await question.getByRole('button', { name: 'Keep them running and restart' }).click();
    await expect.poll(() => installs).toEqual([{}, { agents: 'keep' }]);
  }
});
