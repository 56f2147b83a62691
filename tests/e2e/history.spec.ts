import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp } from '../helpers/open-app';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenshotPath } from '../helpers/screenshots';

const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');

let serve: ServeProcess;
let home: string;

test.beforeEach(async () => {
  home = tempDir('pitwall-e2e-home-');
  // Something already on disk before Pitwall starts: a VS Code chat and a Codex session.
  const vscode = path.join(home, '.config/Code/User/workspaceStorage/0123456789abcdef0123456789abcdef');
  fs.mkdirSync(path.join(vscode, 'chatSessions'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__copilot_session_multiline.jsonl'), path.join(vscode, 'chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl'));
  fs.writeFileSync(path.join(vscode, 'workspace.json'), JSON.stringify({ folder: 'file:///home/dev/jokes' }));
  const codex = path.join(home, '.codex/sessions/2026/02/11');
  fs.mkdirSync(codex, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__codex-session-simple.jsonl'), path.join(codex, 'rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl'));
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'), [], { ...process.env, HOME: home });
});
test.afterEach(async () => {
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('a new session file in a watched folder appears in the list, search finds it, and its timeline renders', async ({ page }) => {
  await openApp(page, serve, 'history');
  await expect(page.getByRole('button', { name: /Adding a joke to jokes\.csv file/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Refactor src\/main\.rs/ })).toBeVisible();

  // Claude Code writes a new session while Pitwall watches.
  const file = path.join(home, '.claude/projects/-home-dev-shop/8c1b1a4e-0000-4000-8000-000000000001.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__example-claude-code.jsonl'), file);
  const card = page.locator('.session-card .card-open').filter({ hasText: 'Make the colors green and yellow' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Claude Code files');
  await expect(card).toContainText('13 tool calls');

  await page.getByLabel('Search messages').fill('yellow');
  await expect(page.locator('.session-card')).toHaveCount(1);
  await expect(page.locator('.session-card').first().locator('mark').first()).toHaveText(/yellow/i);

  await card.click();
  const timeline = page.getByRole('region', { name: /Timeline of Make the colors green and yellow/ });
  await expect(timeline.getByText('Make the colors green and yellow').first()).toBeVisible();
  await expect(timeline.locator('.tl-tool').first()).toBeVisible();
  await expect(timeline.getByTestId('session-tokens')).toContainText('13 tool calls');
  await timeline.locator('.tl-tool summary').first().click();
  await expect(timeline.locator('.tl-tool pre').first()).toBeVisible();

  await page.getByLabel('Search messages').fill('');
  await page.getByLabel('Source').selectOption('vscode-copilot');
  await expect(page.locator('.session-card')).toHaveCount(1);
  await page.getByLabel('Source').selectOption('');
  await card.click();
  await page.screenshot({ path: screenshotPath('history.png') });

  await page.goto(`${serve.origin}/#/usage`);
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill('2025-09-01');
  await page.getByLabel('To', { exact: true }).fill('2026-03-01');
  await page.getByRole('button', { name: 'Tokens', exact: true }).click();
  await expect(page.getByRole('img', { name: 'Tokens per day' })).toBeVisible();
  await expect(page.locator('table').filter({ hasText: 'Responses' }).first()).toContainText('claude-code');
  await page.screenshot({ path: screenshotPath('usage.png'), fullPage: true });

  // A broken file is shown with where and why, and the rest of it is still read.
  const broken = path.join(home, '.claude/projects/-home-dev-shop/8c1b1a4e-0000-4000-8000-000000000002.jsonl');
  fs.writeFileSync(broken, `{"type":"user","message":\n${JSON.stringify({ type: 'user', uuid: 'ok', sessionId: 'b', message: { role: 'user', content: 'still read after a bad line' } })}\n`);
  await page.goto(`${serve.origin}/#/settings`);
  const diagnostics = page.getByRole('region', { name: 'Transcript diagnostics' });
  await expect(diagnostics).toContainText(broken);
  await expect(diagnostics).toContainText('at byte 0: malformed JSON');
  await expect(page.getByRole('region', { name: 'Transcript folders' })).toContainText(path.join(home, '.claude/projects'));
  await page.goto(`${serve.origin}/#/history`);
  await expect(page.getByRole('button', { name: /still read after a bad line/ })).toBeVisible();
});
