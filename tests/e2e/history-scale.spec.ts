import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeClaudeSession, type ClaudeTurn } from '../helpers/claude-lines';
import { openApp } from '../helpers/open-app';
import { rpc } from '../helpers/rpc';
import { reviewShotPath } from '../helpers/screenshots';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// A history bigger than a page: 150 short sessions in 12 folders over 75 days, and one long session
// (600 turns, 1,800 timeline entries) with a word found nowhere else deep inside it.

const SESSIONS = 150;
const LONG_TURNS = 600;
const UNIQUE = 'quillerbatch';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 9);
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

let serve: ServeProcess;

test.beforeAll(async () => {
  const home = tempDir('pitwall-e2e-scale-home-');
  const projects = path.join(home, '.claude/projects');
  for (let i = 0; i < SESSIONS; i++) {
    const id = `5e551000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const turns: ClaudeTurn[] = [
      { prompt: `Refactor module ${i} of the parser`, answer: 'Done: the parser module is split.', tool: { name: 'Read', input: { file_path: `/src/app${i % 12}/parser-${i}.ts` }, output: 'export {}' } },
      { prompt: 'Run the tests', answer: 'All green.', tool: { name: 'Bash', input: { command: 'npm test' }, output: 'ok' }, model: i % 3 === 0 ? 'claude-opus-4-6' : 'claude-sonnet-4-5-20250929' },
    ];
    writeClaudeSession(projects, id, `/home/dev/app${i % 12}`, START + Math.floor(i / 2) * DAY, turns);
  }
  const long: ClaudeTurn[] = Array.from({ length: LONG_TURNS }, (_, i) => ({
    prompt: i === 450 ? `Where is the ${UNIQUE} configured?` : `Step ${i}: keep going with the migration`,
    answer: i === 450 ? `The ${UNIQUE} lives in config/build.ts.` : `Step ${i} done.\n\n- changed one file\n  - and a nested note\n\n> quoted from the plan`,
    tool: { name: 'Edit', input: { file_path: `/home/dev/big/src/file-${i}.ts`, old_string: 'a', new_string: 'b' }, output: 'edited' },
  }));
  writeClaudeSession(projects, '10a60000-0000-4000-8000-000000000001', '/home/dev/big', START + 80 * DAY, long);
  serve = await startServeProcess(tempDir('pitwall-e2e-scale-data-'), [], { ...process.env, HOME: home });
  // The tests look at the whole history: the first scan is done before they start.
  await expect.poll(async () => (await rpc<{ done: boolean } | null>(serve, 'transcripts:progress'))?.done ?? false, { timeout: 60_000 }).toBe(true);
});
test.afterAll(async () => {
  await serve.stop();
  removeTempDirs();
});

async function waitForAll(page: Page): Promise<void> {
  await expect(page.getByTestId('list-count')).toHaveText(`1–100 of ${SESSIONS + 1} sessions`, { timeout: 60_000 });
}

test('the list pages through every session with its count', async ({ page }) => {
  await page.setViewportSize(SIZES[0]!);
  await openApp(page, serve, 'history');
  await waitForAll(page);
  await expect(page.locator('.session-card')).toHaveCount(100);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByTestId('list-count')).toHaveText(`101–${SESSIONS + 1} of ${SESSIONS + 1} sessions`);
  await expect(page.locator('.session-card')).toHaveCount(SESSIONS + 1 - 100);
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  // Filters offer every folder, not only the page's.
  const folders = await page.getByLabel('Project or folder').locator('option').allTextContents();
  expect(folders.filter((f) => f.includes('app'))).toHaveLength(12);
  await page.getByLabel('Project or folder').selectOption({ label: '…/dev/app3 (13)' });
  await expect(page.getByTestId('list-count')).toHaveText('1–13 of 13 sessions');
});

test('search as you type: one letter from titles, more from everything, with hit counts', async ({ page }) => {
  await page.setViewportSize(SIZES[0]!);
  await openApp(page, serve, 'history');
  await waitForAll(page);
  const search = page.getByLabel('Search messages');
  await search.pressSequentially('s', { delay: 30 });
  await expect(page.getByText('One letter: titles and folders only')).toBeVisible();
  await expect(page.getByTestId('list-count')).toHaveText('1–1 of 1 sessions');
  await search.pressSequentially('tep', { delay: 60 });
  // "Step" in 599 prompts and 599 answers of the long session.
  await expect(page.getByTestId('list-count')).toHaveText('1–1 of 1 sessions · 1,198 hits');
  await search.fill('parser');
  await expect(page.getByTestId('list-count')).toHaveText(`1–100 of ${SESSIONS} sessions · ${SESSIONS * 3} hits`);
  await search.fill(`/src/app7/parser-7.ts`);
  await expect(page.getByTestId('list-count')).toContainText('1–1 of 1 sessions');
  await page.screenshot({ path: reviewShotPath('history-search-1280.png') });
});

test('a click on a hit opens the long session at it, marked; the timeline stays small in the page', async ({ page }) => {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await openApp(page, serve, 'history');
    await waitForAll(page);
    await page.getByLabel('Search messages').fill(UNIQUE);
    const hit = page.locator('.session-card button.hit').first();
    await expect(hit.locator('mark').first()).toHaveText(UNIQUE);
    await hit.click();
    const timeline = page.getByRole('region', { name: /Timeline of/ });
    const focused = timeline.locator('.tl-focus');
    await expect(focused).toBeVisible();
    await expect(focused.locator('mark').first()).toHaveText(UNIQUE);
    await expect(focused).toBeInViewport();
    // 1,800 entries, a screenful or two of them in the page.
    expect(await timeline.locator('.virtual-item').count()).toBeLessThan(80);
    await expect(timeline.locator('.tl-tool .tool-preview').first()).toContainText('/home/dev/big/src/file-');
    await page.screenshot({ path: reviewShotPath(`history-hit-${size.width}.png`) });
    // Find in the session, then the ends.
    await timeline.getByLabel('Find in this session').fill('file-599');
    await expect(timeline.getByRole('status')).toHaveText('1 of 1');
    await expect(timeline.locator('.tl-focus')).toContainText('file-599');
    await timeline.getByRole('button', { name: 'Top' }).click();
    await expect(timeline.locator('.tl-user').filter({ hasText: 'Step 0: keep going' })).toBeInViewport();
    await timeline.getByRole('button', { name: 'Bottom' }).click();
    await expect(timeline.locator('.tl-tool .tool-preview').filter({ hasText: 'file-599.ts' })).toBeInViewport();
    expect(await timeline.locator('.virtual-item').count()).toBeLessThan(80);
    // Quotes and nested lists keep their shape.
    await expect(timeline.locator('.markdown blockquote').first()).toBeVisible();
    await expect(timeline.locator('.markdown ul ul').first()).toBeVisible();
  }
});

test('usage in dollars over a date axis with presets, cache on and off, totals', async ({ page }) => {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await openApp(page, serve, 'usage');
    // The history ended long before "now" (2026 in the files): the empty range says so and offers all time.
    await page.getByRole('button', { name: 'All time' }).first().click();
    // Sonnet: $3/$15 in/out, $0.30 cache read, $3.75 cache write per million; Opus 4.6: $5/$25, $0.50, $6.25.
    const perResponse = (p: [number, number, number, number]) => (1000 * p[0] + 100 * p[1] + 10_000 * p[2] + 500 * p[3]) / 1e6;
    const sonnet = perResponse([3, 15, 0.3, 3.75]);
    const opus = perResponse([5, 25, 0.5, 6.25]);
    const opusSessions = Math.ceil(SESSIONS / 3);
    const expected = SESSIONS * sonnet + opusSessions * opus + (SESSIONS - opusSessions) * sonnet + LONG_TURNS * sonnet;
    await expect(page.getByTestId('total-cost')).toHaveText(`$${expected.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    const chart = page.getByRole('img', { name: 'Cost per day' });
    await expect(chart).toBeVisible();
    // Days 1 Jan to 22 Mar: every day has its slot, the ones without usage at zero.
    await expect(chart.locator('g[data-day]')).toHaveCount(81);
    await expect(chart.locator('g[data-day="2026-03-01"] rect.bar')).toHaveCount(1);
    await expect(chart.locator('g[data-day="2026-03-20"] rect.bar')).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Legend' })).toContainText('Input and output');
    await page.getByLabel('Include cache cost').check();
    await expect(page.getByRole('list', { name: 'Legend' })).toContainText('Cache reads and writes');
    await page.getByRole('button', { name: 'Tokens', exact: true }).click();
    await page.getByLabel('Include cache reads').check();
    await expect(page.getByRole('img', { name: 'Tokens per day' })).toBeVisible();
    const models = page.locator('table').filter({ has: page.locator('caption', { hasText: 'By model' }) });
    await expect(models.locator('tfoot')).toContainText('Total');
    await expect(models.locator('tbody tr').first().locator('td.num').first()).toHaveCSS('text-align', 'right');
    await page.screenshot({ path: reviewShotPath(`usage-${size.width}.png`), fullPage: true });
    await page.getByRole('button', { name: '7 days' }).click();
    await expect(page.getByText('No usage in this range')).toBeVisible();
  }
});
