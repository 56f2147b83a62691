import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { git, makeRepo, write } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenshotPath } from '../helpers/screenshots';


let serve: ServeProcess;

test.beforeEach(async () => {
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'));
});
test.afterEach(async () => {
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('add a repository, create a worktree, see its status, remove it', async ({ page }) => {
  const repo = makeRepo('checkout-api');
  write(repo, '.gitignore', '.env\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'ignore env');
  write(repo, '.env', 'TOKEN=dev\n');

  await openApp(page, serve);
  await expect(page.getByText('No projects yet')).toBeVisible();

  await page.getByLabel('Repository path').fill(path.join(tempDir(), 'not-a-repo'));
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('No folder at');

  await page.getByLabel('Repository path').fill(repo);
  await page.getByLabel('Repository path').press('Enter');
  const item = page.getByTestId('project-item').filter({ hasText: 'checkout-api' });
  await expect(item).toBeVisible();
  await item.click();

  await page.getByLabel('Branch name').fill('feature/login');
  await page.getByRole('button', { name: 'Create worktree' }).click();
  const row = page.locator('[data-testid="worktree-row"][data-branch="feature/login"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText('active');
  await expect(row).toContainText('clean');
  await page.screenshot({ path: screenshotPath('projects-worktrees.png'), fullPage: true });

  // An agent edits a file: after a refresh the row counts the uncommitted change.
  const [worktree] = await listWorktrees();
  expect(fs.readFileSync(path.join(worktree!.path, '.env'), 'utf8')).toBe('TOKEN=dev\n');
  write(worktree!.path, 'README.md', '# edited by an agent\n');
  await page.reload();
  await expect(row).toContainText('1 changed file');

  // Removing asks first, then keeps the work as a snapshot that can be restored.
  await row.getByRole('button', { name: 'Remove worktree feature/login' }).click();
  await page.getByRole('button', { name: 'Remove and keep snapshot' }).click();
  await expect(row).toContainText('removed');
  expect(git(repo, 'worktree', 'list')).not.toContain('feature-login');
  await row.getByRole('button', { name: 'Restore' }).click();
  await expect(row).toContainText('active');
  await expect(row).toContainText('1 changed file');
  expect(fs.readFileSync(path.join(worktree!.path, 'README.md'), 'utf8')).toBe('# edited by an agent\n');

  // Committed, it is clean and removes without a question.
  git(worktree!.path, 'commit', '--quiet', '-am', 'agent work');
  await page.reload();
  await expect(row).toContainText('clean');
  await row.getByRole('button', { name: 'Remove worktree feature/login' }).click();
  await expect(row).toHaveCount(0);
  expect(git(repo, 'worktree', 'list')).not.toContain('feature-login');
});

async function listWorktrees(): Promise<{ path: string }[]> {
  const headers = { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' };
  const projects = (await (await fetch(`${serve.origin}/rpc/projects:list`, { method: 'POST', headers, body: '{}' })).json()) as { value: { id: string }[] };
  const result = (await (await fetch(`${serve.origin}/rpc/worktrees:list`, { method: 'POST', headers, body: JSON.stringify({ projectId: projects.value[0]!.id }) })).json()) as {
    value: { path: string }[];
  };
  return result.value;
}
