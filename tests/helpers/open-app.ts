import { expect, type Page } from '@playwright/test';
import type { ServeProcess } from './serve-process';

/**
 * Opens the app in `page` as a user does, with the printed link (`/#token=…`), waits until the
 * page has taken the token out of the address bar and shows the app, then goes to `route`
 * (`'history'`, `'sessions/<id>'`, …) if one is given. The token stays in the tab's
 * sessionStorage, so later `page.goto(serve.origin + '/#/…')` calls keep working.
 */
export async function openApp(page: Page, serve: ServeProcess, route?: string): Promise<void> {
  await page.goto(serve.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(page.url()).not.toContain(serve.token);
  if (route) await page.goto(`${serve.origin}/#/${route}`);
}
