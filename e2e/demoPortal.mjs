// What the browser tests share: the demo portal's addresses, Debian's
// chromium, the demo's config repositories, and opening an entity page until
// what a test waits for shows. scripts/test.sh starts the portal first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

export const run = promisify(execFile);
export const root = path.resolve(import.meta.dirname, '..');
export const appUrl = process.env.GITOPS_APP_URL ?? 'http://localhost:3000';
export const backendUrl =
  process.env.GITOPS_BACKEND_URL ?? 'http://localhost:7007';
export const outputDir = path.join(root, 'test-output', 'e2e');

/** Debian's chromium, headless, with nothing reaching out on its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A bare config repository the demo portal syncs from (scripts/demo-remote.sh
 * makes them in GITOPS_DEMO_DIR, which scripts/test.sh sets):
 * `config-repo.git` (Flux v1) or `config-repo-v2.git` (Flux v2).
 */
export function demoRemote(name = 'config-repo.git') {
  const demoDir = process.env.GITOPS_DEMO_DIR;
  assert.ok(demoDir, 'GITOPS_DEMO_DIR names the demo the portal runs');
  return path.join(demoDir, name);
}

/** Runs git on one of the demo's config repositories and returns what it printed. */
export function demoRemoteGit(name) {
  const remote = demoRemote(name);
  return async (...args) =>
    (await run('git', [`--git-dir=${remote}`, ...args])).stdout.trim();
}

/** The component's page in the demo catalog. */
export const componentUrl = name =>
  `${appUrl}/catalog/default/component/${name}`;

/**
 * Passes the guest sign-in when the page asks for it. Every new page is a
 * new browser context, signed out, and the sign-in page draws a moment after
 * the load event: wait a little for its button.
 */
export async function enterIfAsked(page, timeoutMs = 10_000) {
  const enter = page.getByRole('button', { name: 'Enter' });
  // (Playwright reads a timeout of 0 as "no timeout": look once instead.)
  const asked =
    timeoutMs > 0
      ? await enter.waitFor({ timeout: timeoutMs }).then(
          () => true,
          () => false,
        )
      : await enter.isVisible().catch(() => false);
  if (!asked) return;
  // A failed sign-in (the backend restarting) leaves the dev server's error
  // overlay over the page, taking every click: clear it and try once more.
  await page.evaluate(() =>
    document.getElementById('react-refresh-overlay')?.remove(),
  );
  await enter.click({ timeout: 10_000 }).catch(() => {});
}

/**
 * Opens a component's page and reloads until `locate(page)` shows at least
 * `what.count` times, or fails with a screenshot named after `what.name`.
 * `onPage` sees the page before it first loads (to listen to its sockets).
 */
export async function waitOnComponent(
  browser,
  component,
  locate,
  what,
  timeoutMs = 150_000,
  onPage,
) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  onPage?.(page);
  await page.goto(componentUrl(component));
  await enterIfAsked(page);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locate(page).first().waitFor({ timeout: 5_000 });
      if ((await locate(page).count()) >= what.count) return page;
    } catch {
      // not yet: reload below
    }
    // Signed out meanwhile (the demo backend restarted): sign in again.
    await enterIfAsked(page, 0);
    if (Date.now() > deadline) {
      await mkdir(outputDir, { recursive: true });
      await page.screenshot({
        path: path.join(outputDir, `failure-${what.name}.png`),
        fullPage: true,
      });
      throw new Error(
        `${what.name} never showed (see failure-${what.name}.png)`,
      );
    }
    await page.waitForTimeout(2_000);
    await page.reload();
    await enterIfAsked(page, 3_000);
  }
}

/** Saves a full-page screenshot under test-output/e2e/ and says where. */
export async function screenshot(page, name) {
  await mkdir(outputDir, { recursive: true });
  const file = path.join(outputDir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
