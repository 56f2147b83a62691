import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// Screenshots go to a temp folder for a person to look at; docs/screenshots is for the README.
const SHOTS = path.join(os.tmpdir(), 'pitwall-e2e-shots');
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

test('from the keyboard a single key never allows: A arms a confirmation, Enter confirms, Esc cancels; D denies', async ({ page }) => {
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo KEYBOARD-ALLOWED > allowed.txt', description: 'allowed from the keyboard' } } },
    { toolUse: { name: 'Bash', input: { command: 'echo NOPE > denied.txt', description: 'denied from the keyboard' } } },
    { text: 'KEYBOARD-DONE' },
  ]);
  const repo = makeRepo('keyboard');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const profile = await rpc<{ id: string }>(serve, 'profiles:create', {
    name: 'Claude Code (scripted model)',
    kind: 'claude-code',
    command: CLAUDE_BIN,
    env: seedClaudeHome(tempDir('pitwall-claude-home-'), api.url, [repo]),
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(serve.url);
  await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Write two files', cols: 110, rows: 32 });
  const pendingIds = async () => (await rpc<Approval[]>(serve, 'approvals:list', { status: 'pending' })).map((a) => a.id);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Approvals/ }).click();
  const card = page.getByTestId('pending-approval');
  await expect(card).toContainText('echo KEYBOARD-ALLOWED > allowed.txt', { timeout: 45_000 });
  await expect(card).toContainText('A then Enter allows');
  const [first] = await pendingIds();

  // A alone arms a confirmation with the focus on it; the call is still waiting.
  await card.focus();
  await page.keyboard.press('a');
  const confirm = card.getByRole('group', { name: 'Confirm allow' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Allow now' })).toBeFocused();
  await page.keyboard.press('a');
  expect(await pendingIds()).toEqual([first]);
  expect(fs.existsSync(path.join(repo, 'allowed.txt'))).toBe(false);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'approvals-confirm-1280.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: path.join(SHOTS, 'approvals-confirm-1920.png') });

  // Esc cancels and gives the focus back to the card.
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(card).toBeFocused();
  expect(await pendingIds()).toEqual([first]);

  // Enter on the Allow button (reached with Tab) also only arms.
  await card.getByRole('button', { name: 'Allow', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(confirm).toBeVisible();
  expect(await pendingIds()).toEqual([first]);
  await page.keyboard.press('Escape');

  // A, then Enter: allowed, and the tool runs.
  await card.focus();
  await page.keyboard.press('a');
  await page.keyboard.press('Enter');
  await expect.poll(() => fs.existsSync(path.join(repo, 'allowed.txt')), { timeout: 30_000 }).toBe(true);

  // D opens the reason, Enter denies: the agent is told and nothing is written.
  await expect(card).toContainText('echo NOPE > denied.txt', { timeout: 45_000 });
  await card.focus();
  await page.keyboard.press('d');
  const reason = card.getByLabel('Reason (sent to the agent)');
  await expect(reason).toBeFocused();
  await page.keyboard.type('Not from the keyboard test');
  await page.keyboard.press('Enter');
  await expect(card).toHaveCount(0);
  await expect.poll(() => api.requests.some((r) => JSON.stringify(r.messages ?? []).includes('Not from the keyboard test')), { timeout: 30_000 }).toBe(true);
  expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);

  const history = await rpc<Approval[]>(serve, 'approvals:list', {});
  expect(history.map((a) => [(a.input as { command: string }).command, a.status, a.decidedBy])).toEqual([
    ['echo NOPE > denied.txt', 'denied', 'user'],
    ['echo KEYBOARD-ALLOWED > allowed.txt', 'allowed', 'user'],
  ]);
});
