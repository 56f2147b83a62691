import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Task } from '../../src-common/domain/task';
import { makeRepo, write } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { reviewShotPath } from '../helpers/screenshots';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

let serve: ServeProcess;

test.beforeEach(async () => {
  // A user with some history on disk: a VS Code chat, a Codex session and a Claude Code session.
  const home = tempDir('pitwall-e2e-home-');
  const vscode = path.join(home, '.config/Code/User/workspaceStorage/0123456789abcdef0123456789abcdef');
  fs.mkdirSync(path.join(vscode, 'chatSessions'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__copilot_session_multiline.jsonl'), path.join(vscode, 'chatSessions/7de89a80-6d93-43e7-be0a-0a9afe980198.jsonl'));
  fs.writeFileSync(path.join(vscode, 'workspace.json'), JSON.stringify({ folder: 'file:///home/dev/jokes' }));
  const codex = path.join(home, '.codex/sessions/2026/02/11');
  fs.mkdirSync(codex, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__codex-session-simple.jsonl'), path.join(codex, 'rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl'));
  const claude = path.join(home, '.claude/projects/-home-dev-shop');
  fs.mkdirSync(claude, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__example-claude-code.jsonl'), path.join(claude, '8c1b1a4e-0000-4000-8000-000000000001.jsonl'));
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'), [], { ...process.env, HOME: home });
});
test.afterEach(async () => {
  const sessions = await rpc<Session[]>(serve, 'sessions:list').catch(() => []);
  for (const s of sessions) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id }).catch(() => undefined);
  await serve.stop();
});
test.afterAll(removeTempDirs);

/** Nothing wider than the window: no sideways scrolling on any page. */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const content = document.querySelector('main.content')!;
    return { content: content.scrollWidth - content.clientWidth, body: document.documentElement.scrollWidth - window.innerWidth };
  });
  expect(overflow, what).toEqual({ content: 0, body: 0 });
}

/** Every visible cell of each row of `table` starts and ends at the same height: the borders line up. */
async function expectRowsAligned(page: Page, table: string): Promise<void> {
  const rows = await page.locator(`${table} tr`).evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.children).map((cell) => {
      const r = cell.getBoundingClientRect();
      return { top: Math.round(r.top), bottom: Math.round(r.bottom), display: getComputedStyle(cell).display };
    })),
  );
  expect(rows.length).toBeGreaterThan(1);
  for (const cells of rows) {
    expect(new Set(cells.map((c) => c.display))).toEqual(new Set(['table-cell']));
    expect(new Set(cells.map((c) => `${c.top}-${c.bottom}`)).size).toBe(1);
  }
}

test('every page at 1280×800 and 1920×1080: nothing overflows sideways, form controls side by side are one height, table borders line up', async ({ page }) => {
  test.setTimeout(180_000);
  const repo = makeRepo('storefront');
  write(repo, '.env', 'TOKEN=dev\n');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  await rpc(serve, 'rules:create', { effect: 'allow', toolName: 'Bash', pattern: 'npm test*', scope: 'global', projectId: null, sessionId: null });
  await rpc(serve, 'rules:create', { effect: 'deny', toolName: 'Read', pattern: '.env*', scope: 'project', projectId: project.id, sessionId: null });
  await rpc(serve, 'worktrees:create', { projectId: project.id, branch: 'feature/checkout' });
  const agent = await rpc<AgentProfile>(serve, 'profiles:create', {
    name: 'Scripted agent',
    kind: 'shell',
    command: '/bin/sh',
    args: ['-c', 'printf "export const total = (items) => items.reduce((n, i) => n + i.price, 0);\\n" > total.ts; echo done'],
    promptMode: 'none',
  });
  const task = await rpc<Task>(serve, 'tasks:create', { projectId: project.id, title: 'Add a cart total', description: 'Sum the prices of the items in the cart.', labels: ['cart'], profileId: agent.id });
  await rpc(serve, 'tasks:create', { projectId: project.id, title: 'Dark mode toggle', labels: ['ui'], profileId: agent.id });
  await rpc(serve, 'tasks:start', { id: task.id });
  await expect.poll(async () => (await rpc<Task>(serve, 'tasks:get', { id: task.id })).column, { timeout: 20_000 }).toBe('waiting_approval');
  const shell = (await rpc<AgentProfile[]>(serve, 'profiles:list')).find((p) => p.kind === 'shell' && p.builtIn)!;
  const session = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: shell.id, title: 'Poke around' });

  await page.setViewportSize(SIZES[0]!);
  await openApp(page, serve);
  const pages: { name: string; route: string; ready: (page: Page) => Promise<void> }[] = [
    { name: 'projects', route: `projects/${project.id}`, ready: (p) => expect(p.locator('[data-testid="worktree-row"]')).toHaveCount(2) },
    { name: 'sessions', route: 'sessions', ready: (p) => expect(p.getByTestId('session-row').first()).toBeVisible() },
    { name: 'session', route: `sessions/${session.id}`, ready: (p) => expect(p.getByTestId('terminal')).toContainText('#') },
    { name: 'history', route: 'history', ready: async (p) => {
      await p.getByRole('button', { name: /Make the colors green and yellow/ }).click();
      await expect(p.getByRole('region', { name: /Timeline of/ })).toBeVisible();
    } },
    { name: 'usage', route: 'usage', ready: async (p) => {
      await p.getByRole('button', { name: 'Custom' }).click();
      await p.getByLabel('From', { exact: true }).fill('2025-09-01');
      await p.getByLabel('To', { exact: true }).fill('2026-03-01');
      await p.getByRole('button', { name: 'Tokens', exact: true }).click();
      await expect(p.getByRole('img', { name: 'Tokens per day' })).toBeVisible();
    } },
    { name: 'approvals', route: 'approvals', ready: (p) => expect(p.getByRole('heading', { name: 'Approvals' })).toBeVisible() },
    { name: 'tasks', route: 'tasks', ready: async (p) => {
      await p.getByTestId('task-card').filter({ hasText: 'Add a cart total' }).click();
      await expect(p.getByTestId('diff')).toContainText('total');
    } },
    { name: 'settings', route: 'settings', ready: (p) => expect(p.getByTestId('profile-row')).toHaveCount(6) },
  ];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const { name, route, ready } of pages) {
      await page.goto(`${serve.origin}/#/${route}`);
      await ready(page);
      await expectNoSidewaysScroll(page, `${name} at ${size.width}`);
      await page.screenshot({ path: reviewShotPath(`page-${name}-${size.width}.png`) });
      // The app scrolls inside its content pane: the rest of a long page, seen from its end.
      if (await page.evaluate(() => document.querySelector('main.content')!.scrollHeight > document.querySelector('main.content')!.clientHeight)) {
        await page.evaluate(() => document.querySelector('main.content')!.scrollTo(0, 1e6));
        await page.screenshot({ path: reviewShotPath(`page-${name}-${size.width}-end.png`) });
        await page.evaluate(() => document.querySelector('main.content')!.scrollTo(0, 0));
      }
    }

    // Settings: the rule form's controls are one height, the tables' rows line up.
    await page.goto(`${serve.origin}/#/settings`);
    const form = page.getByRole('form', { name: 'Add a rule' });
    const heights = await form.locator('input, select, button').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
    expect(new Set(heights)).toEqual(new Set([32]));
    const timeout = await page.locator('.timeout-form').locator('input, button').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
    expect(new Set(timeout).size).toBe(1);
    await expect(page.getByRole('region', { name: 'Transcript folders' }).locator('tbody tr')).not.toHaveCount(0);
    await expectRowsAligned(page, 'section[aria-label="Transcript folders"] table');
    await expectRowsAligned(page, 'section[aria-label="Permission rules"] table');
    await expectRowsAligned(page, 'section[aria-label="Agent profiles"] table');
  }
});
