import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Project } from '../../src-common/domain/project';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { openApp } from '../helpers/open-app';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenshotPath } from '../helpers/screenshots';

let serve: ServeProcess;
let api: ScriptedModelApi;

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => {
  await fetch(`http://127.0.0.1:${serve.port}/rpc/sessions:list`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' }, body: '{}' })
    .then((r) => r.json())
    .then(async (r: { value?: { id: string; status: string }[] }) => {
      for (const s of r.value ?? []) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id });
    })
    .catch(() => undefined);
  await serve.stop();
  await api?.close();
});
test.afterAll(removeTempDirs);

test('start Claude Code in a new worktree from the UI and watch it answer in the terminal', async ({ page }) => {
  api = await startScriptedModelApi([{ text: 'Hello from the pit wall. PITWALL-E2E-ANSWER' }]);
  const repo = makeRepo('storefront');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const worktreePath = path.join(project.resolvedWorktreeRoot, 'agent-greeting');
  const home = tempDir('pitwall-claude-home-');
  await rpc(serve, 'profiles:create', { name: 'Claude Code (scripted model)', kind: 'claude-code', command: CLAUDE_BIN, env: seedClaudeHome(home, api.url, [worktreePath]) });

  await page.setViewportSize({ width: 1400, height: 900 });
  await openApp(page, serve);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await expect(page.getByText('No sessions yet')).toBeVisible();
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Work in').selectOption({ label: 'A new worktree' });
  await dialog.getByLabel('New branch').fill('agent/greeting');
  await dialog.getByLabel('Agent').selectOption({ label: 'Claude Code (scripted model)' });
  await dialog.getByLabel('First prompt (optional)').fill('Greet the pit wall');
  await dialog.getByRole('button', { name: 'Start session' }).click();

  const terminal = page.getByTestId('terminal');
  await expect(terminal).toContainText('PITWALL-E2E-ANSWER', { timeout: 45_000 });
  await expect(page.getByRole('tab', { name: 'Greet the pit wall' })).toBeVisible();
  const facts = page.getByRole('complementary', { name: 'Session facts' });
  await expect(facts).toContainText('agent/greeting');
  const transcriptPath = (await page.getByTestId('transcript-path').textContent())!;
  expect(transcriptPath).toContain(path.join(home, '.claude', 'projects'));
  // Claude Code writes its mode lines first and the prompt a moment later.
  await expect.poll(() => fs.existsSync(transcriptPath) && fs.readFileSync(transcriptPath, 'utf8').includes('Greet the pit wall'), { timeout: 15_000 }).toBe(true);

  // Typing into the terminal reaches the agent: a second prompt is answered too.
  await terminal.click();
  await page.keyboard.type('And again');
  await page.keyboard.press('Enter');
  await expect.poll(() => api.requests.some((r) => JSON.stringify(r.messages ?? []).includes('And again')), { timeout: 30_000 }).toBe(true);
  await page.screenshot({ path: screenshotPath('session-terminal.png') });

  await facts.getByRole('button', { name: 'Stop' }).click();
  await expect(facts).toContainText('stopped');
  await page.getByRole('tab', { name: 'All sessions' }).click();
  await expect(page.getByTestId('session-row')).toContainText('Greet the pit wall');
  await expect(page.getByTestId('session-row')).toContainText('stopped');
});
