import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import { makeRepo, write } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { openApp } from '../helpers/open-app';
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

test('a 20,000-line diff renders only the rows on screen and scrolls to its last line', async ({ page }) => {
  const repo = makeRepo('big-change');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const wt = await rpc<Worktree>(serve, 'worktrees:create', { projectId: project.id, branch: 'bulk' });
  for (let f = 0; f < 4; f++) {
    write(wt.path, path.join('src', 'tables', `part-${f}.ts`), Array.from({ length: 5000 }, (_, i) => `export const value${f}_${i} = ${i};`).join('\n') + '\n');
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await openApp(page, serve);
  await page.getByTestId('project-item').first().click();
  await page.getByRole('button', { name: 'Show diff of bulk' }).click();
  const diff = page.getByTestId('diff');
  await expect(diff).toContainText('value0_0');
  await expect(page.getByRole('complementary', { name: 'Changed files' })).toContainText('4 files');
  // Virtualized: a few dozen rows in the DOM, not 20,000.
  expect(await diff.locator('.diff-row').count()).toBeLessThan(200);
  await diff.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(diff).toContainText('value3_4999');
  expect(await diff.locator('.diff-row').count()).toBeLessThan(200);
  // Jump between files with the keyboard.
  await diff.evaluate((el) => el.scrollTo({ top: 0 }));
  await diff.focus();
  await page.keyboard.press('n');
  await expect(diff).toContainText('part-1.ts');
});
