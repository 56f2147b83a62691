import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { makeRepo } from '../helpers/git-repo';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { reviewShotPath } from '../helpers/screenshots';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

let serve: ServeProcess;
let home: string;

test.beforeEach(async () => {
  // The user's login shell exports an API key: agents must get it, the UI may show only its name.
  home = tempDir('pitwall-e2e-home-');
  fs.writeFileSync(path.join(home, '.bash_profile'), 'export MY_AGENT_API_KEY=value-from-bash-profile\nexport MY_AGENT_REGION=eu\n');
  serve = await startServeProcess(tempDir('pitwall-e2e-data-'), [], { ...process.env, HOME: home, SHELL: '/bin/bash' });
});
test.afterEach(async () => {
  const sessions = await rpc<Session[]>(serve, 'sessions:list').catch(() => []);
  for (const s of sessions) if (s.status === 'running') await rpc(serve, 'sessions:stop', { sessionId: s.id }).catch(() => undefined);
  await serve.stop();
});
test.afterAll(removeTempDirs);

test('set up "any command" as an agent in the profile editor: command, arguments, environment, prompt on stdin; it runs with the user’s environment', async ({ page }) => {
  await rpc<Project>(serve, 'projects:add', { path: makeRepo('any-command') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve, 'settings');
  const section = page.getByRole('region', { name: 'Agent profiles' });
  await expect(section.getByTestId('profile-row')).toHaveCount(5);
  await section.getByRole('button', { name: 'New profile' }).click();

  const dialog = page.getByRole('dialog', { name: 'New agent profile' });
  await dialog.getByLabel('Name').fill('Reader');
  await expect(dialog.getByLabel('Agent', { exact: true })).toHaveValue('shell');
  await dialog.getByLabel('Command').fill('/bin/sh');
  // A script that reads its prompt from stdin and reports what it got and what it sees.
  await dialog.getByLabel('Arguments').fill(['-c', 'read -r task; echo "READ:[$task] REGION:$MY_AGENT_REGION KEY:${MY_AGENT_API_KEY:+set} MODE:$AGENT_MODE"; sleep 30'].join('\n'));
  await dialog.getByRole('radio', { name: /On standard input/ }).check();
  await dialog.getByRole('button', { name: 'Add variable' }).click();
  await dialog.getByLabel('Name of variable 1').fill('AGENT_MODE');
  await dialog.getByLabel('Value of AGENT_MODE').fill('careful');
  await dialog.getByRole('button', { name: 'Add variable' }).click();
  await dialog.getByLabel('Name of variable 2').fill('MY_AGENT_REGION');
  await dialog.getByLabel('Value of MY_AGENT_REGION').fill('us');

  // The environment agents start with, by name: the login shell's key is there, its value is not.
  const keys = dialog.getByTestId('environment-keys');
  await keys.locator('summary').click();
  await expect(keys.getByRole('listitem').filter({ hasText: /^MY_AGENT_API_KEY$/ })).toBeVisible();
  await expect(keys.getByRole('listitem').filter({ hasText: /^MY_AGENT_REGION$/ })).toHaveClass(/overridden/);
  await expect(keys).toContainText('/bin/bash');
  await expect(keys).not.toContainText('value-from-bash-profile');
  await expect(keys.getByRole('listitem').filter({ hasText: /^PITWALL_/ })).toHaveCount(0);
  await page.screenshot({ path: reviewShotPath('profile-editor-1280.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: reviewShotPath('profile-editor-1920.png') });
  await dialog.getByRole('button', { name: 'Add profile' }).click();
  await expect(dialog).toHaveCount(0);
  const row = section.getByTestId('profile-row').filter({ hasText: 'Reader' });
  await expect(row).toContainText('stdin');
  await expect(row).toContainText('+2 env');

  const saved = (await rpc<AgentProfile[]>(serve, 'profiles:list')).find((p) => p.name === 'Reader')!;
  expect(saved).toMatchObject({ kind: 'shell', command: '/bin/sh', promptMode: 'stdin', env: { AGENT_MODE: 'careful', MY_AGENT_REGION: 'us' } });
  expect(saved.args[0]).toBe('-c');

  // Start it with a first prompt: the prompt arrives on stdin, the login shell's key and the profile's variables are set.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await page.getByRole('button', { name: 'New session' }).click();
  const start = page.getByRole('dialog', { name: 'New session' });
  await start.getByLabel('Work in').selectOption({ label: 'The main checkout' });
  await start.getByLabel('Agent', { exact: true }).selectOption({ label: 'Reader' });
  await start.getByLabel('First prompt (optional)').fill('Summarise the changelog');
  await start.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('terminal')).toContainText('READ:[Summarise the changelog] REGION:us KEY:set MODE:careful', { timeout: 20_000 });
});

test('the built-in Shell takes no prompt, and a built-in profile can be edited, duplicated and restored', async ({ page }) => {
  await rpc<Project>(serve, 'projects:add', { path: makeRepo('shell-prompt') });
  await openApp(page, serve, 'sessions');
  await page.getByRole('button', { name: 'New session' }).click();
  const start = page.getByRole('dialog', { name: 'New session' });
  await start.getByLabel('Agent', { exact: true }).selectOption({ label: 'Shell' });
  await expect(start.getByLabel('First prompt (optional)')).toHaveCount(0);
  await expect(start).toContainText('Shell takes no first prompt');
  await start.getByRole('button', { name: 'Cancel' }).click();

  await page.goto(`${serve.origin}/#/settings`);
  const section = page.getByRole('region', { name: 'Agent profiles' });
  await section.getByRole('button', { name: 'Edit Claude Code' }).click();
  const editor = page.getByRole('dialog', { name: 'Edit Claude Code' });
  await expect(editor.getByLabel('Agent', { exact: true })).toBeDisabled();
  // Claude Code cannot read a prompt from a pipe: that choice is not offered.
  await expect(editor.getByRole('radio')).toHaveCount(3);
  await editor.getByLabel('Command').fill('/opt/claude/bin/claude');
  await editor.getByRole('radio', { name: /Typed into the terminal/ }).check();
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(section.getByTestId('profile-row').filter({ hasText: 'Claude Code' })).toContainText('/opt/claude/bin/claude');
  await expect(section.getByTestId('profile-row').filter({ hasText: 'Claude Code' })).toContainText('typed');

  await section.getByRole('button', { name: 'Duplicate Claude Code' }).click();
  const copy = page.getByRole('dialog', { name: 'New agent profile' });
  await expect(copy.getByLabel('Name')).toHaveValue('Claude Code (copy)');
  await expect(copy.getByLabel('Command')).toHaveValue('/opt/claude/bin/claude');
  await copy.getByLabel('Name').fill('Claude Code (work account)');
  await copy.getByRole('button', { name: 'Add profile' }).click();
  await expect(section.getByTestId('profile-row')).toHaveCount(6);

  await section.getByRole('button', { name: 'Edit Claude Code', exact: true }).click();
  await editor.getByRole('button', { name: 'Restore defaults' }).click();
  await expect(editor.getByLabel('Command')).toHaveValue('claude');
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await expect(section.getByTestId('profile-row').filter({ hasText: /^Claude Codebuilt in/ })).toContainText('argument');

  // An invalid variable name is refused with the reason, and nothing is saved.
  await section.getByRole('button', { name: 'Edit Claude Code (work account)' }).click();
  const own = page.getByRole('dialog', { name: 'Edit Claude Code (work account)' });
  await own.getByRole('button', { name: 'Add variable' }).click();
  await own.getByLabel('Name of variable 1').fill('BAD NAME');
  await own.getByRole('button', { name: 'Save profile' }).click();
  await expect(own.getByRole('alert')).toContainText('letters, digits and _');
  await own.getByRole('button', { name: 'Cancel' }).click();
  await section.getByRole('button', { name: 'Remove Claude Code (work account)' }).click();
  await expect(section.getByTestId('profile-row')).toHaveCount(5);
});
