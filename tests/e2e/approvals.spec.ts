import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Session } from '../../src-common/domain/agent';
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
  const sessions = await rpc<Session[]>(serve, 'sessions:list').catch(() => []);
  for (const s of sessions) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id }).catch(() => undefined);
  await serve.stop();
  await api?.close();
});
test.afterAll(removeTempDirs);

test('an agent waits for approval in the UI; a click allows it; the tool runs; history says who', async ({ page }) => {
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo APPROVED-TOOL-RAN > proof.txt && cat proof.txt', description: 'prove it ran' } } },
    { text: 'The command ran. E2E-FINISHED' },
  ]);
  const repo = makeRepo('billing');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const profile = await rpc<{ id: string }>(serve, 'profiles:create', {
    name: 'Claude Code (scripted model)',
    kind: 'claude-code',
    command: CLAUDE_BIN,
    env: seedClaudeHome(tempDir('pitwall-claude-home-'), api.url, [repo]),
  });

  await page.setViewportSize({ width: 1400, height: 900 });
  await openApp(page, serve);
  const session = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Prove you can run a command', cols: 110, rows: 32 });

  // The sidebar badge counts the waiting approval; the card shows what the agent wants to run.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByLabel('1 pending')).toBeVisible({ timeout: 45_000 });
  await nav.getByRole('button', { name: /Approvals/ }).click();
  const card = page.getByTestId('pending-approval');
  await expect(card).toContainText('Bash');
  await expect(card).toContainText('$ echo APPROVED-TOOL-RAN > proof.txt && cat proof.txt');
  await expect(card).toContainText('Prove you can run a command');
  expect(fs.existsSync(path.join(repo, 'proof.txt'))).toBe(false);
  await page.screenshot({ path: screenshotPath('approvals.png') });

  await card.getByRole('button', { name: 'Allow', exact: true }).click();
  await expect(card).toHaveCount(0);
  await expect.poll(() => fs.existsSync(path.join(repo, 'proof.txt')), { timeout: 30_000 }).toBe(true);

  const history = page.getByTestId('approval-history-row');
  await expect(history).toHaveCount(1);
  await expect(history).toContainText('allowed');
  await expect(history).toContainText('you');

  // The session's terminal shows the tool ran and the agent finished.
  await page.goto(`${serve.origin}/#/sessions/${session.id}`);
  const terminal = page.getByTestId('terminal');
  await expect(terminal).toContainText('APPROVED-TOOL-RAN', { timeout: 30_000 });
  await expect(terminal).toContainText('E2E-FINISHED', { timeout: 30_000 });
  await expect(nav.getByLabel('1 pending')).toHaveCount(0);
});
