import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import { git, makeRepo, write } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { openApp } from '../helpers/open-app';

// Screenshots for a person to look at go to a temp folder, never into the repository.
const SHOTS = process.env.PITWALL_SCREENSHOTS ?? path.join(os.tmpdir(), 'pitwall-screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
let serve: ServeProcess;
let logs: string;

/** Stand-ins for editor launchers and a terminal (none can be installed here): each records where it ran and its arguments. */
function standIns(): string {
  const bin = tempDir('pitwall-editors-');
  logs = tempDir('pitwall-launched-');
  for (const name of ['code', 'zed', 'x-terminal-emulator']) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${logs}/${name}.tmp' && mv '${logs}/${name}.tmp' '${logs}/${name}'\n`, { mode: 0o755 });
  }
  return bin;
}

function launched(name: string): string[] | null {
  const file = path.join(logs, name);
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  fs.rmSync(file);
  return lines;
}

test.beforeEach(async () => {
  const dataDir = tempDir('pitwall-e2e-data-');
  const bin = standIns();
  // As a user would have it: their login shell's profile puts their own bin first, so the stand-ins
  // are found before any real editor or terminal installed on this machine.
  fs.writeFileSync(path.join(dataDir, '.bash_profile'), `export PATH='${bin}':"$PATH"\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dataDir, SHELL: '/bin/bash', PATH: `${bin}:/usr/bin:/bin` };
  serve = await startServeProcess(dataDir, [], env);
});
test.afterEach(async () => {
  const sessions = await rpc<Session[]>(serve, 'sessions:list').catch(() => []);
  for (const s of sessions) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id }).catch(() => undefined);
  await serve.stop();
});
test.afterAll(removeTempDirs);

async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-${page.viewportSize()!.width}.png`) });
}

test('opens a worktree, a diff line and a session folder in the editor, and a terminal', async ({ page }) => {
  const repo = makeRepo('billing');
  write(repo, 'src/invoice.ts', ['export function total(lines: number[]): number {', '  return lines.reduce((a, b) => a + b, 0);', '}', ''].join('\n'));
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'invoice totals');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const worktree = await rpc<Worktree>(serve, 'worktrees:create', { projectId: project.id, branch: 'fix/rounding' });
  write(worktree.path, 'src/invoice.ts', ['export function total(lines: number[]): number {', '  const sum = lines.reduce((a, b) => a + b, 0);', '  return Math.round(sum * 100) / 100;', '}', ''].join('\n'));

  await openApp(page, serve);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.goto(`${serve.origin}/#/projects/${project.id}`);
    await page.reload();
    const row = page.getByTestId('worktree-row').filter({ hasText: 'fix/rounding' });
    const open = row.getByRole('button', { name: 'Open in VS Code', exact: true }).first();
    await expect(open).toBeVisible();
    await row.getByRole('button', { name: 'More ways to open fix/rounding' }).click();
    const menu = page.getByRole('menu', { name: 'Open fix/rounding in' });
    await expect(menu.getByRole('menuitem').first()).toHaveText('VS Code · default');
    // The system opener (xdg-open) shows up too where it is installed.
    const items = await menu.getByRole('menuitem').allTextContents();
    expect([items.slice(0, 2), items.at(-1)]).toEqual([['VS Code · default', 'Zed'], 'Terminal']);
    await shoot(page, 'open-in-worktree-menu');
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);

    await open.click();
    await expect(row.getByRole('status')).toHaveText('Opened in VS Code');
    await expect.poll(() => launched('code')).toEqual([worktree.path, worktree.path]);

    // A diff line: the button on the line opens the file there.
    await row.getByRole('button', { name: 'Show diff of fix/rounding' }).click();
    const line = row.locator('.diff-line.add').filter({ hasText: 'Math.round' });
    await line.hover();
    await shoot(page, 'open-in-diff-line');
    await line.getByRole('button', { name: /Open in VS Code at src\/invoice.ts line 3/ }).click();
    await expect.poll(() => launched('code')).toEqual([worktree.path, worktree.path, '--goto', `${path.join(worktree.path, 'src/invoice.ts')}:3`]);
    // The file header opens it at its first added line; `o` opens the line at the top of the view.
    await row.getByRole('button', { name: 'Open in VS Code', exact: true }).last().click();
    await expect.poll(() => launched('code')).toEqual([worktree.path, worktree.path, '--goto', `${path.join(worktree.path, 'src/invoice.ts')}:2`]);
    await row.getByTestId('diff').focus();
    await page.keyboard.press('o');
    await expect.poll(() => launched('code')).toEqual([worktree.path, worktree.path, '--goto', `${path.join(worktree.path, 'src/invoice.ts')}:1`]);
  }

  // A session: its folder in another editor (which becomes the default), and a terminal there.
  const profile = await rpc<AgentProfile>(serve, 'profiles:create', { name: 'Shell', kind: 'shell', command: '/bin/sleep', args: ['120'] });
  const session = await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: profile.id, worktreeId: worktree.id, title: 'Round invoice totals' });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.goto(`${serve.origin}/#/sessions/${session.id}`);
    await page.reload();
    const facts = page.getByRole('complementary', { name: 'Session facts' });
    await facts.getByRole('button', { name: "More ways to open this session's folder" }).click();
    await shoot(page, 'open-in-session-menu');
    await page.getByRole('menuitem', { name: 'Zed' }).click();
    await expect.poll(() => launched('zed')).toEqual([worktree.path, worktree.path]);
    await expect(facts.getByRole('button', { name: 'Open in Zed' })).toBeVisible();
    await facts.getByRole('button', { name: "More ways to open this session's folder" }).click();
    await page.getByRole('menuitem', { name: 'Terminal' }).click();
    await expect.poll(() => launched('x-terminal-emulator')).toEqual([worktree.path]);
    await expect(facts.getByRole('status')).toHaveText('Opened a terminal');
    await shoot(page, 'open-in-session');
    await rpc(serve, 'settings:update', { preferredEditor: 'vscode' });
  }
});

test('settings choose the default editor and which notifications to raise; updates belong to the desktop app', async ({ page }) => {
  await openApp(page, serve);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.goto(`${serve.origin}/#/settings`);
    await page.reload();
    const editor = page.getByRole('region', { name: 'Editor' });
    await expect(editor.getByLabel('Open files in')).toHaveValue('vscode');
    await expect(editor).toContainText('Found through your login shell’s PATH and the usual install folders: VS Code, Zed');
    await editor.getByLabel('Open files in').selectOption('zed');
    await expect.poll(async () => (await rpc<{ preferredEditor: string | null }>(serve, 'settings:get')).preferredEditor).toBe('zed');

    const notifications = page.getByRole('region', { name: 'Notifications' });
    await notifications.getByLabel('An agent finished or failed').uncheck();
    await expect.poll(async () => (await rpc<{ notifications: Record<string, boolean> }>(serve, 'settings:get')).notifications).toEqual({ approval: true, input: true, finished: false, review: true });
    await expect(page.getByRole('region', { name: 'Updates' })).toContainText('Updates are installed by the desktop app');
    await shoot(page, 'settings-desktop');
    await rpc(serve, 'settings:update', { preferredEditor: 'vscode', notifications: { approval: true, input: true, finished: true, review: true } });
  }
});
