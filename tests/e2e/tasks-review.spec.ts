import { expect, test } from '@playwright/test';
import type { Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { git, makeRepo } from '../helpers/git-repo';
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

test('a task runs Claude Code, waits for approval with its diff and verify result, and squashes into the base', async ({ page }) => {
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo "hello from the agent" > greeting.txt', description: 'write the greeting' } } },
    { text: 'The greeting file is written. TASK-DONE' },
  ]);
  const repo = makeRepo('website');
  const baseBefore = git(repo, 'rev-parse', 'main');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  await rpc(serve, 'projects:update', { id: project.id, config: { verifyCommand: 'test -f greeting.txt && echo verify-ok' } });
  await rpc(serve, 'rules:create', { effect: 'allow', toolName: 'Bash', pattern: 'echo "hello from the agent" > greeting.txt', scope: 'project', projectId: project.id, sessionId: null });
  // The worktree root is trusted, so the agent's new worktree below it is too.
  const env = seedClaudeHome(tempDir('pitwall-claude-home-'), api.url, [project.resolvedWorktreeRoot]);
  await rpc(serve, 'profiles:create', { name: 'Claude Code (scripted model)', kind: 'claude-code', command: CLAUDE_BIN, env });

  await page.setViewportSize({ width: 1500, height: 1000 });
  await openApp(page, serve);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tasks' }).click();
  await page.getByLabel('Task', { exact: true }).fill('Add a greeting file');
  await page.getByLabel('Agent').selectOption({ label: 'Claude Code (scripted model)' });
  await page.getByLabel(/Labels/).fill('docs, greeting, docs');
  await page.getByRole('button', { name: 'Add task' }).click();
  const card = page.getByTestId('task-card').filter({ hasText: 'Add a greeting file' });
  await expect(card.locator('.label-chip')).toHaveText(['docs', 'greeting']);
  await expect(page.getByTestId('column-backlog').getByTestId('task-card')).toHaveCount(1);
  await card.click();
  await page.getByRole('button', { name: 'Start task' }).click();

  await expect(page.getByTestId('column-waiting_approval').getByTestId('task-card')).toHaveCount(1, { timeout: 60_000 });
  const review = page.getByRole('region', { name: 'Review Add a greeting file' });
  await expect(review.getByTestId('verification')).toContainText('passed', { timeout: 30_000 });
  await expect(review.getByRole('complementary', { name: 'Changed files' })).toContainText('greeting.txt');
  await expect(review.getByTestId('diff')).toContainText('hello from the agent');
  await page.screenshot({ path: screenshotPath('task-review.png') });

  await review.getByLabel('Land as').selectOption('squash');
  await review.getByRole('button', { name: 'Approve and merge' }).click();
  await expect(page.getByTestId('column-verified').getByTestId('task-card')).toHaveCount(1, { timeout: 30_000 });
  await expect(review).toContainText('Merged into main (squash)');
  expect(git(repo, 'rev-list', '--count', `${baseBefore}..main`)).toBe('1');
  expect(git(repo, 'show', 'main:greeting.txt')).toBe('hello from the agent');
  expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe('Add a greeting file');
});
