import { expect, test } from '@playwright/test';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { git, makeRepo, write } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { reviewShotPath } from '../helpers/screenshots';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

let serve: ServeProcess;

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => {
  const sessions = await rpc<Session[]>(serve, 'sessions:list').catch(() => []);
  for (const s of sessions) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id }).catch(() => undefined);
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('a first task: approval only once it waits, chips in the board’s words, a warning for a secret the agent added, and the copied .env never merged', async ({ page }) => {
  // The repository does not ignore .env: Pitwall copies it into the task's worktree (the default include list).
  const repo = makeRepo('shop');
  write(repo, '.env', 'SECRET=1\n');
  await rpc<Project>(serve, 'projects:add', { path: repo });
  await rpc<AgentProfile>(serve, 'profiles:create', {
    name: 'Scripted agent',
    kind: 'shell',
    command: '/bin/sh',
    args: ['-c', 'echo "the feature" > feature.txt; echo "API_KEY=abc123" > .env.production; echo working; while true; do sleep 0.2; done'],
    promptMode: 'none',
  });

  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve, 'tasks');
  // The Project label sits level with its selector.
  const label = await page.locator('label[for="tasks-project"]').boundingBox();
  const select = await page.getByLabel('Project').boundingBox();
  expect(Math.abs(label!.y + label!.height / 2 - (select!.y + select!.height / 2))).toBeLessThanOrEqual(1);

  await page.getByLabel('Task', { exact: true }).fill('Add the feature');
  await page.getByLabel('Agent').selectOption({ label: 'Scripted agent' });
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByTestId('task-card').filter({ hasText: 'Add the feature' }).click();
  const review = page.getByRole('region', { name: 'Review Add the feature' });
  await expect(review.locator('.badge').first()).toHaveText('Backlog');
  await review.getByRole('button', { name: 'Start task' }).click();

  // In progress: the chip says so, and there is nothing to approve yet.
  await expect(page.getByTestId('column-in_progress').getByTestId('task-card')).toHaveCount(1);
  await expect(review.locator('.badge').first()).toHaveText('In progress');
  await expect(review.getByRole('status').filter({ hasText: 'The agent is working' })).toBeVisible();
  await expect(review.getByRole('button', { name: 'Approve and merge' })).toHaveCount(0);
  await expect(review.getByRole('button', { name: /^Reject/ })).toHaveCount(0);
  await page.screenshot({ path: reviewShotPath('task-in-progress-1280.png') });
  await review.getByRole('button', { name: 'Stop the agent and review' }).click();

  // Waiting for approval: the gate, a warning naming the secret the agent added, and no copied .env in the diff.
  await expect(page.getByTestId('column-waiting_approval').getByTestId('task-card')).toHaveCount(1, { timeout: 20_000 });
  await expect(review.locator('.badge').first()).toHaveText('Waiting for approval');
  const warning = review.getByTestId('secret-warning');
  await expect(warning).toContainText('.env.production looks like an environment file');
  await expect(warning).toContainText('Approving would merge it into the base branch');
  const files = review.getByRole('complementary', { name: 'Changed files' });
  await expect(files).toContainText('feature.txt');
  await expect(files.getByText('.env', { exact: true })).toHaveCount(0);
  await page.screenshot({ path: reviewShotPath('task-review-secret-1280.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: reviewShotPath('task-review-secret-1920.png') });

  await review.getByRole('button', { name: 'Approve and merge' }).click();
  await expect(page.getByTestId('column-verified').getByTestId('task-card')).toHaveCount(1, { timeout: 30_000 });
  await expect(review.locator('.badge').first()).toHaveText('Verified');
  const merged = git(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
  expect(merged).toEqual(expect.arrayContaining(['feature.txt', '.env.production']));
  expect(merged).not.toContain('.env');
  expect(git(repo, 'log', '--all', '--format=%H', '--', '.env')).toBe('');
  // The user's own .env is where it was, untouched.
  expect(git(repo, 'status', '--porcelain', '--ignored')).toContain('.env');
});
