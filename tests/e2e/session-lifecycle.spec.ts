import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { git, makeRepo } from '../helpers/git-repo';
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

/** Where the terminal and the page are, in CSS pixels, and whether anything scrolls. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const content = document.querySelector('main.content')!;
    const terminal = document.querySelector('[data-testid="terminal"]')!.getBoundingClientRect();
    const header = document.querySelector('.page-header')!.getBoundingClientRect();
    const screen = document.querySelector('[data-testid="terminal"] .xterm-screen')!.getBoundingClientRect();
    return {
      windowHeight: window.innerHeight,
      terminalBottom: terminal.bottom,
      terminalHeight: terminal.height,
      screenBottom: screen.bottom,
      headerTop: header.top,
      overflow: content.scrollHeight - content.clientHeight,
      scrollTop: content.scrollTop,
    };
  });
}

test('the terminal fits the window at 1280×800 and 1920×1080 and the page does not move when it takes the focus', async ({ page }) => {
  const project = await rpc<Project>(serve, 'projects:add', { path: makeRepo('terminal-fit') });
  const shell = (await rpc<AgentProfile[]>(serve, 'profiles:list')).find((p) => p.kind === 'shell')!;
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve, 'sessions');
  const session = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: shell.id, title: 'Fit check' });
  await page.goto(`${serve.origin}/#/sessions/${session.id}`);
  const terminal = page.getByTestId('terminal');
  // Enough output to fill the screen, so the last row is where the cursor waits.
  await terminal.click();
  await page.keyboard.type('for i in $(seq 1 80); do echo "line $i"; done; echo FIT-DONE\r');
  await expect(terminal).toContainText('FIT-DONE');

  for (const size of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    await expect.poll(async () => (await layout(page)).overflow, { message: `nothing scrolls at ${size.width}×${size.height}` }).toBeLessThanOrEqual(0);
    const before = await layout(page);
    expect(before.terminalBottom).toBeLessThanOrEqual(before.windowHeight);
    // The rows xterm draws end inside the terminal's frame: none is cut off.
    expect(before.screenBottom).toBeLessThanOrEqual(before.terminalBottom);
    expect(before.terminalHeight).toBeGreaterThan(size.height * 0.6);
    // Focus moves into the terminal (click, then the keyboard): the page stays where it was.
    await page.getByLabel('Search the terminal').focus();
    await terminal.click();
    await page.keyboard.type('echo again\r');
    const after = await layout(page);
    expect(after.scrollTop).toBe(0);
    expect(after.headerTop).toBe(before.headerTop);
    await page.screenshot({ path: reviewShotPath(`session-terminal-${size.width}.png`) });
  }
});

test('Stop says "Stopping" during the grace period; removing a worktree an agent runs in warns, then stops it first', async ({ page }) => {
  const repo = makeRepo('lifecycle');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  // Ignores SIGTERM, so it lives through the whole grace period (3 s) before it is killed.
  const stubborn = await rpc<AgentProfile>(serve, 'profiles:create', { name: 'Stubborn agent', kind: 'shell', command: '/bin/sh', args: ['-c', 'trap "" TERM; echo ready; while true; do sleep 0.2; done'], promptMode: 'none' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve);
  const first = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: stubborn.id, title: 'Stop me' });
  await page.goto(`${serve.origin}/#/sessions/${first.id}`);
  await expect(page.getByTestId('terminal')).toContainText('ready');
  const facts = page.getByRole('complementary', { name: 'Session facts' });
  await facts.getByRole('button', { name: 'Stop' }).click();
  await expect(facts.locator('.badge')).toHaveText('stopping');
  await expect(facts.getByRole('button', { name: 'Stopping…' })).toBeDisabled();
  await expect(facts).toContainText('3 s to end before it is killed');
  await page.screenshot({ path: reviewShotPath('session-stopping-1280.png') });
  await expect(facts.locator('.badge')).toHaveText('stopped', { timeout: 15_000 });

  // An agent at work in a worktree: removing the worktree asks, then stops it and removes.
  const busy = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: stubborn.id, newWorktree: { branch: 'agent/busy' }, title: 'Busy agent' });
  fs.writeFileSync(`${busy.cwd}/notes.txt`, 'draft\n');
  await page.goto(`${serve.origin}/#/projects/${project.id}`);
  const row = page.locator('[data-testid="worktree-row"][data-branch="agent/busy"]');
  await expect(row).toContainText('1 changed file');
  await row.getByRole('button', { name: 'Remove worktree agent/busy' }).click();
  const warning = row.getByRole('alertdialog', { name: 'Agent running' });
  await expect(warning).toContainText('“Busy agent” is running in agent/busy');
  await expect(warning).toContainText('1 uncommitted change will be saved as a snapshot');
  expect((await rpc<Session>(serve, 'sessions:get', { sessionId: busy.id })).status).toBe('running');
  await page.screenshot({ path: reviewShotPath('worktree-agent-running-1280.png') });
  await warning.getByRole('button', { name: 'Stop agent and remove' }).click();
  await expect(row).toContainText('removed', { timeout: 20_000 });
  expect((await rpc<Session>(serve, 'sessions:get', { sessionId: busy.id })).status).toBe('stopped');
  expect(fs.existsSync(busy.cwd!)).toBe(false);
  expect(git(repo, 'worktree', 'list')).not.toContain('agent-busy');
});
