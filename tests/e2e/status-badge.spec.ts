import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Approval } from '../../src-common/domain/approval';
import type { Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { StatusSummary } from '../../src-common/domain/status';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { rpc } from '../helpers/rpc';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { openApp } from '../helpers/open-app';

// Screenshots for a person to look at go to a temp folder, never into the repository.
const SHOTS = process.env.PITWALL_SCREENSHOTS ?? path.join(os.tmpdir(), 'pitwall-screenshots');
let serve: ServeProcess;
let api: ScriptedModelApi | undefined;

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

/** The favicon's SVG, decoded from its data: URL. */
async function favicon(page: Page): Promise<string> {
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  return href?.startsWith('data:image/svg+xml,') ? decodeURIComponent(href.slice('data:image/svg+xml,'.length)) : (href ?? '');
}

test('the page title and favicon badge count an approval waiting, and clear once it is decided', async ({ page }) => {
  api = await startScriptedModelApi([
    { toolUse: { name: 'Bash', input: { command: 'echo BADGE-TOOL-RAN > badge.txt', description: 'prove it ran' } } },
    { text: 'Done. BADGE-FINISHED' },
  ]);
  const repo = makeRepo('billing');
  const project = await rpc<Project>(serve, 'projects:add', { path: repo });
  const profile = await rpc<{ id: string }>(serve, 'profiles:create', {
    name: 'Claude Code (scripted model)',
    kind: 'claude-code',
    command: CLAUDE_BIN,
    env: seedClaudeHome(tempDir('pitwall-claude-home-'), api.url, [repo]),
  });

  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, serve);
  await expect(page).toHaveTitle('Pitwall');
  await expect.poll(() => favicon(page)).toContain('data-state="idle"');

  // Away from the Approvals page, as a person working elsewhere in Pitwall would be.
  await page.goto(`${serve.origin}/#/projects`);
  await rpc<Session>(serve, 'sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Prove you can run a command', cols: 110, rows: 32 });
  await expect(page).toHaveTitle('(1) Pitwall', { timeout: 45_000 });
  const badge = await favicon(page);
  expect(badge).toContain('data-state="attention"');
  expect(badge).toContain('data-count="1"');
  expect(badge).toMatch(/<text[^>]*>1<\/text>/);
  expect(await rpc<StatusSummary>(serve, 'status:get')).toMatchObject({ state: 'attention', pendingApprovals: 1, attention: 1, runningAgents: 1 });

  // What the tab shows, drawn large enough to look at.
  fs.mkdirSync(SHOTS, { recursive: true });
  const preview = await page.context().newPage();
  await preview.setContent(`<body style="margin:0;background:#f3f3f3;display:flex;gap:24px;padding:24px"><img src="${await page.locator('link[rel="icon"]').getAttribute('href')}" width="64" height="64"><img src="${await page.locator('link[rel="icon"]').getAttribute('href')}" width="16" height="16"></body>`);
  await preview.screenshot({ path: path.join(SHOTS, 'favicon-attention.png'), clip: { x: 0, y: 0, width: 160, height: 112 } });
  await preview.close();

  const [pending] = await rpc<Approval[]>(serve, 'approvals:list', { status: 'pending' });
  await rpc(serve, 'approvals:decide', { id: pending!.id, decision: 'allow' });
  await expect(page).toHaveTitle('Pitwall');
  await expect.poll(() => favicon(page)).not.toContain('data-count="1"');
  await expect.poll(() => fs.existsSync(path.join(repo, 'badge.txt')), { timeout: 30_000 }).toBe(true);
});
