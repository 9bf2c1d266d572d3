// The Flux v2 example in a real browser (issue 13, "How it is shown"): the
// podinfo-v2 component, released through examples/config-repo-v2 (Flux's
// layout: clusters/<env>, apps/base, overlays with setter markers), shows its
// environments, the automation commit after a pushed image, and the status
// Flux's simulated controllers report from the staging and production
// clusters. scripts/test.sh starts the portal first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  demoRemoteGit,
  launchBrowser,
  root,
  run,
  screenshot,
  waitOnComponent,
} from './demoPortal.mjs';

const IMAGE = 'ghcr.io/stefanprodan/podinfo';
const STAGING_FILE = 'apps/staging/podinfo-values.yaml';

let browser;
const git = () => demoRemoteGit('config-repo-v2.git');

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const stage = (page, environment) => page.getByTestId(`stage-${environment}`);
const waitOnPodinfoV2 = (locate, what, timeoutMs) =>
  waitOnComponent(browser, 'podinfo-v2', locate, what, timeoutMs);

test('podinfo-v2 shows staging and production from the Flux v2 layout, each on the newest tag its ImagePolicy allows', async () => {
  // Environments come from clusters/<env>; each one's tag from its overlay.
  // staging's file says 6.5.0-rc.1, but its range (>=6.0.0-0 <7.0.0) allows
  // the registry's 6.5.0 too, so image automation moves it there first.
  const page = await waitOnPodinfoV2(
    p =>
      stage(p, 'staging')
        .getByText('6.5.0', { exact: true })
        .or(stage(p, 'production').getByText('6.5.0', { exact: true })),
    { name: 'v2-tags', count: 2 },
    240_000,
  );
  await page
    .getByText('GitOps releases', { exact: true })
    .waitFor({ timeout: 30_000 });
  console.log(
    `screenshot: ${await screenshot(page, 'podinfo-v2-entity-page.png')}`,
  );
  await page.close();

  // That move is one commit by this plugin to the file holding staging's marker.
  const remote = git();
  const [imported, ...later] = (
    await remote('rev-list', '--reverse', 'main')
  ).split('\n');
  assert.equal(
    later.length,
    1,
    `commits after the import: ${later.join(', ')}`,
  );
  assert.equal(
    await remote('diff', '--name-only', imported, 'main'),
    STAGING_FILE,
  );
  assert.match(
    await remote('show', `${imported}:${STAGING_FILE}`),
    /tag: 6\.5\.0-rc\.1 /,
  );
});

test('a staging image pushed to the registry becomes one commit to the staging overlay', async () => {
  const remote = git();
  const before = await remote('rev-parse', 'main');
  const tag = '6.5.1-rc.1';
  await run(process.execPath, [
    path.join(root, 'scripts/push-demo-image.mjs'),
    '--image',
    IMAGE,
    tag,
  ]);

  // staging's ImagePolicy (>=6.0.0-0 <7.0.0) takes the pre-release;
  // production's (~6.5.0) does not.
  const page = await waitOnPodinfoV2(
    p =>
      stage(p, 'staging')
        .getByText(tag, { exact: true })
        .or(stage(p, 'production').getByText('6.5.0', { exact: true })),
    { name: 'v2-automation', count: 2 },
  );
  assert.equal(
    await stage(page, 'production').getByText(tag, { exact: true }).count(),
    0,
  );
  console.log(
    `screenshot: ${await screenshot(page, 'podinfo-v2-after-push.png')}`,
  );
  await page.close();

  // One commit, editing only the file that holds staging's marker.
  const commits = (await remote('rev-list', `${before}..main`))
    .split('\n')
    .filter(Boolean);
  assert.equal(
    commits.length,
    1,
    `commits since the push: ${commits.join(', ')}`,
  );
  assert.equal(
    await remote('diff', '--name-only', before, 'main'),
    STAGING_FILE,
  );
  const staging = await remote('show', `main:${STAGING_FILE}`);
  assert.match(
    staging,
    new RegExp(
      `tag: ${tag.replace(
        /\./g,
        '\\.',
      )} # \\{"\\$imagepolicy": "flux-system:podinfo-staging:tag"\\}`,
    ),
  );
});

test("each environment shows what Flux's Kustomization applied in its cluster", async () => {
  // The simulated kustomize-controller applies the head every few seconds
  // and reports it in the Kustomization's status; the card says so.
  const head = (await git()('rev-parse', 'main')).slice(0, 7);
  const applied = p =>
    p
      .locator(
        '[data-testid="stage-staging"], [data-testid="stage-production"]',
      )
      .getByText(new RegExp(`cluster applied ${head}`));
  const page = await waitOnPodinfoV2(applied, {
    name: 'v2-flux-status',
    count: 2,
  });
  console.log(
    `screenshot: ${await screenshot(page, 'podinfo-v2-flux-status.png')}`,
  );
  await page.close();
});
