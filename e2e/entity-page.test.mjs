// The demo portal in a real browser: Debian's chromium, driven by
// playwright-core, opens the podinfo component and finds the gitops cards.
// scripts/test.sh starts the portal (the README's start command) first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  appUrl,
  backendUrl,
  demoRemote,
  demoRemoteGit,
  enterIfAsked,
  launchBrowser,
  outputDir,
  root,
  run,
  waitOnComponent,
} from './demoPortal.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('the backend answers its health check without credentials', async () => {
  const response = await fetch(`${backendUrl}/api/gitops/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('the podinfo entity page shows the gitops cards', async () => {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  const entityUrl = `${appUrl}/catalog/default/component/podinfo`;
  // The portal opens on the podinfo component.
  await page.goto(appUrl);

  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click({ timeout: 60_000 });

  // The catalog ingests the demo entities a few seconds after start; until
  // then the entity page says the entity is missing, so look again.
  const releasesCard = page.getByText('GitOps releases', { exact: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await releasesCard.waitFor({ timeout: 15_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await mkdir(outputDir, { recursive: true });
        await page.screenshot({ path: path.join(outputDir, 'failure.png') });
        throw new Error(
          `the gitops releases card never appeared (see failure.png): ${error}`,
        );
      }
    }
    await page.goto(entityUrl);
    if (await enter.isVisible()) await enter.click();
  }

  assert.equal(page.url(), entityUrl);
  await page
    .getByText('GitOps environments', { exact: true })
    .waitFor({ timeout: 30_000 });
  await page
    .getByText('gitops.backstage.io/release-selector: app=podinfo', {
      exact: false,
    })
    .waitFor();

  // The portal synced examples/config-repo through a real git remote: each
  // stage shows the tag and policy its HelmRelease holds. The first sync runs
  // a second after start; reload until it has landed.
  await mkdir(outputDir, { recursive: true });
  const devTag = page
    .getByTestId('stage-dev')
    .getByText('dev-kb9lm91e', { exact: true });
  // After a reload the page renders the card a moment after the load event,
  // so each look waits for the tag instead of checking once.
  const syncDeadline = Date.now() + 150_000;
  for (;;) {
    try {
      await devTag.waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (Date.now() > syncDeadline) {
        await page.screenshot({ path: path.join(outputDir, 'failure.png') });
        throw new Error(
          `the synced dev release never appeared (see failure.png): ${error}`,
        );
      }
    }
    await page.reload();
  }
  await page
    .getByTestId('stage-stg')
    .getByText('stg-9ij63o4c', { exact: true })
    .waitFor();
  await page
    .getByTestId('stage-prod')
    .getByText('0.4.10', { exact: true })
    .waitFor();
  await page.getByTestId('stage-prod').getByText('semver:~0.4').waitFor();
  await page.getByTestId('stage-dev').getByText('glob:dev-*').waitFor();

  const file = path.join(outputDir, 'podinfo-entity-page.png');
  await mkdir(outputDir, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  await page.close();
});

test('a dev image pushed to the registry becomes one commit and shows in dev', async () => {
  const git = demoRemoteGit();
  const before = await git('rev-parse', 'main');

  const tag = `dev-${Date.now().toString(36)}`;
  await run(process.execPath, [
    path.join(root, 'scripts/push-demo-image.mjs'),
    tag,
  ]);

  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await page.goto(`${appUrl}/catalog/default/component/podinfo`);
  await enterIfAsked(page);
  const devTag = page.getByTestId('stage-dev').getByText(tag, { exact: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await devTag.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await page.screenshot({
          path: path.join(outputDir, 'failure-automation.png'),
        });
        throw new Error(`${tag} never reached the dev release: ${error}`);
      }
      await page.reload();
      await enterIfAsked(page, 3_000);
    }
  }
  await page.screenshot({
    path: path.join(outputDir, 'podinfo-after-push.png'),
    fullPage: true,
  });
  await page.close();

  // Exactly one commit, by image automation, touching only the dev release.
  const commits = (await git('rev-list', `${before}..main`)).split('\n');
  assert.equal(commits.length, 1);
  assert.equal(
    await git('log', '-1', '--format=%s', 'main'),
    `Auto-release stefanprodan/podinfo:${tag}`,
  );
  assert.equal(
    await git('diff', '--name-only', before, 'main'),
    'releases/dev/podinfo.yaml',
  );
});

/** Opens the podinfo page and reloads until `locate(page)` shows, or fails with a screenshot. */
const waitOnPodinfo = (locate, what, timeoutMs) =>
  waitOnComponent(browser, 'podinfo', locate, what, timeoutMs);

/** The Helm history table of one environment's row, one string per revision, newest first. */
async function helmHistory(page, environment) {
  const show = page.getByRole('button', {
    name: `Show history of ${environment}`,
    exact: true,
  });
  const hide = page.getByRole('button', {
    name: `Hide history of ${environment}`,
    exact: true,
  });
  // Right after a reload the rows are not drawn yet: wait for the row's toggle.
  await show.or(hide).first().waitFor({ timeout: 30_000 });
  if (await show.isVisible()) await show.click();
  const table = page.getByRole('table', {
    name: `Helm history of ${environment}`,
    exact: true,
  });
  await table.waitFor({ timeout: 15_000 });
  return (await table.locator('tbody tr').allInnerTexts()).map(row =>
    row.replace(/\s+/g, ' ').trim(),
  );
}

const STAGES = ['dev', 'stg', 'prod'];
const synced = p =>
  p.locator('[data-testid^="release-"]').getByText('Synced', { exact: true });

test('dev, stg and prod show their state and Helm history from the simulated cluster', async () => {
  const page = await waitOnPodinfo(synced, { name: 'synced', count: 3 });
  for (const environment of STAGES) {
    await page
      .getByTestId(`release-${environment}`)
      .getByText(/Helm revision \d+/)
      .waitFor();
    await page
      .getByTestId(`release-${environment}`)
      .getByText('cluster demo', { exact: false })
      .first()
      .waitFor();
    const history = await helmHistory(page, environment);
    assert.match(
      history[0],
      /^\d+ deployed podinfo 0\.2\.0/,
      `${environment}: ${history[0]}`,
    );
  }
  await page.screenshot({
    path: path.join(outputDir, 'podinfo-cluster-status.png'),
    fullPage: true,
  });
  await page.close();
});

test('a chart bump in the config repository upgrades every release of the chart', async () => {
  await pushToDemo('Bump podinfo chart to 0.2.1', async work => {
    const chartFile = path.join(work, 'charts/podinfo/Chart.yaml');
    const chart = await readFile(chartFile, 'utf8');
    await writeFile(
      chartFile,
      chart.replace(/^version: .*$/m, 'version: 0.2.1'),
    );
  });

  // Every release of the chart gets a new revision on 0.2.1, the one before superseded.
  const page = await waitOnPodinfo(synced, {
    name: 'synced-after-bump',
    count: 3,
  });
  const deadline = Date.now() + 150_000;
  for (;;) {
    const histories = [];
    for (const environment of STAGES)
      histories.push(await helmHistory(page, environment));
    const upgraded = histories.every(
      ([newest, before]) =>
        /^\d+ deployed podinfo 0\.2\.1/.test(newest) &&
        /^\d+ superseded podinfo 0\.2\.0/.test(before ?? ''),
    );
    if (upgraded) break;
    if (Date.now() > deadline) {
      await page.screenshot({
        path: path.join(outputDir, 'failure-chart-bump.png'),
        fullPage: true,
      });
      throw new Error(
        `not every release was upgraded: ${JSON.stringify(histories)}`,
      );
    }
    await page.waitForTimeout(3_000);
    await page.reload();
    await enterIfAsked(page, 3_000);
  }
  await page.screenshot({
    path: path.join(outputDir, 'podinfo-after-chart-bump.png'),
    fullPage: true,
  });
  await page.close();
});

test('promoting dev to stg from the page commits exactly that change, as the person who asked', async () => {
  const git = demoRemoteGit();
  const before = await git('rev-parse', 'main');

  const promote = p => p.getByRole('button', { name: 'Promote to stg' });
  const page = await waitOnPodinfo(promote, {
    name: 'promote-button',
    count: 1,
  });
  await promote(page).click();
  // The dialog shows the exact change before anything is written.
  const dialog = page.getByRole('dialog');
  await dialog
    .getByText(/releases\/stg\/podinfo\.yaml/)
    .first()
    .waitFor({ timeout: 30_000 });
  await page.screenshot({
    path: path.join(outputDir, 'podinfo-promote-dialog.png'),
    fullPage: true,
  });
  assert.equal(
    await git('rev-parse', 'main'),
    before,
    'the dry run wrote nothing',
  );
  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();

  // One commit for the promotion, touching only the stg release, naming who asked.
  let promotion;
  const deadline = Date.now() + 60_000;
  while (!promotion) {
    const commits = (await git('rev-list', `${before}..main`))
      .split('\n')
      .filter(Boolean);
    for (const sha of commits) {
      if ((await git('log', '-1', '--format=%s', sha)).startsWith('Promote '))
        promotion = sha;
    }
    if (!promotion) {
      assert.ok(
        Date.now() < deadline,
        'no promotion commit reached the config repository',
      );
      await new Promise(resolve => setTimeout(resolve, 1_000));
    }
  }
  assert.equal(
    await git('diff', '--name-only', `${promotion}^`, promotion),
    'releases/stg/podinfo.yaml',
  );
  assert.match(
    await git('log', '-1', '--format=%B', promotion),
    /Requested-by: user:default\/guest/,
  );
  const stgFile = await git('show', `${promotion}:releases/stg/podinfo.yaml`);
  const tag = stgFile.match(/^\s+tag: (\S+)/m)[1];
  const devFile = await git('show', `${promotion}:releases/dev/podinfo.yaml`);
  assert.equal(
    tag,
    devFile.match(/^\s+tag: (\S+)/m)[1],
    'stg now runs what dev runs',
  );
  await page.close();

  // Once synced, the stg stage shows it.
  const after = await waitOnPodinfo(
    p => p.getByTestId('stage-stg').getByText(tag, { exact: true }),
    { name: 'promoted-stg', count: 1 },
  );
  await after.screenshot({
    path: path.join(outputDir, 'podinfo-after-promote.png'),
    fullPage: true,
  });
  await after.close();
});

/** The simulated cluster's API, as the backend reaches it (scripts/start.sh serves it). */
async function demoCluster(pathname) {
  const port = process.env.GITOPS_DEMO_CLUSTER_PORT ?? '7098';
  const get = () =>
    fetch(`http://127.0.0.1:${port}${pathname}`, {
      headers: { authorization: 'Bearer demo-simulated-cluster-token' },
    });
  // The cluster lives in the backend: while a restarting backend is down,
  // connections are refused for a few seconds.
  let response;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await get();
    } catch (error) {
      if (attempt === 15) throw error;
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
  }
  assert.equal(response.status, 200, `GET ${pathname}: ${response.status}`);
  return response.json();
}

/** stg's HelmRelease and the names of its Helm release secrets in the simulated cluster. */
async function stgInCluster() {
  const release = await demoCluster(
    '/apis/helm.fluxcd.io/v1/namespaces/stg/helmreleases/podinfo-rc',
  );
  const secrets = await demoCluster(
    `/api/v1/namespaces/stg/secrets?labelSelector=${encodeURIComponent(
      'owner=helm,name=podinfo-rc',
    )}`,
  );
  return { release, secrets: secrets.items.map(s => s.metadata.name).sort() };
}

/**
 * Commits `change` to the demo's config repository as a person would, and
 * pushes it; image automation may push in between, so rebase and try again.
 * Returns the commit.
 */
async function pushToDemo(message, change) {
  const work = await mkdtemp(path.join(os.tmpdir(), 'gitops-e2e-push-'));
  const git = async (...args) =>
    (await run('git', ['-C', work, ...args])).stdout.trim();
  const author = ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com'];
  try {
    await run('git', ['clone', '-q', demoRemote(), work]);
    await change(work);
    await git(...author, 'commit', '-qam', message);
    for (let attempt = 1; ; attempt++) {
      try {
        await git('push', '-q', 'origin', 'HEAD:main');
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await git(...author, 'pull', '-q', '--rebase', 'origin', 'main');
      }
    }
    return await git('rev-parse', 'HEAD');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

test('a broken stg file keeps stg on the page with its problem, and in the cluster', async () => {
  // Start from a settled page: every stage synced, nothing in flight.
  const settled = await waitOnPodinfo(synced, {
    name: 'synced-before-break',
    count: 3,
  });
  await settled.close();
  const before = await stgInCluster();
  assert.ok(before.secrets.length > 0, 'stg has Helm release secrets');

  // One duplicate key, the typo that once uninstalled staging.
  const stgFile = 'releases/stg/podinfo.yaml';
  let good;
  const broken = await pushToDemo(
    'Break the stg release with a duplicate key',
    async work => {
      const file = path.join(work, stgFile);
      good = await readFile(file, 'utf8');
      await writeFile(file, good.replace(/^(\s+releaseName: .*)$/m, '$1\n$1'));
    },
  );

  // Both cards keep stg, marked with the problem, its file and its commit.
  const problem = p =>
    p
      .getByTestId('stage-stg')
      .getByText(new RegExp(`git file broken since ${broken.slice(0, 7)}`));
  const page = await waitOnPodinfo(problem, { name: 'stg-broken', count: 1 });
  await page
    .getByTestId('release-stg')
    .getByText(/git file broken since/)
    .first()
    .waitFor();
  await page
    .getByText(new RegExp(`${stgFile.replace(/[./]/g, '\\$&')}:\\d+`))
    .first()
    .waitFor();
  await page.screenshot({
    path: path.join(outputDir, 'podinfo-stg-broken.png'),
    fullPage: true,
  });
  await page.close();

  // A sync that stored something is applied at once; watch the cluster over
  // two more reconcile cycles of the demo (10 s each): nothing is pruned.
  for (let look = 0; look < 5; look++) {
    assert.deepEqual(
      (await stgInCluster()).secrets,
      before.secrets,
      'stg keeps its Helm releases',
    );
    await new Promise(resolve => setTimeout(resolve, 5_000));
  }

  // The fix brings stg back to Synced, with no new Helm revision.
  await pushToDemo('Fix the stg release', async work => {
    await writeFile(path.join(work, stgFile), good);
  });
  const fixed = await waitOnPodinfo(
    p => p.getByTestId('release-stg').getByText('Synced', { exact: true }),
    { name: 'stg-fixed', count: 1 },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Count only once the card has drawn after a reload.
    await fixed
      .getByTestId('release-stg')
      .getByText('Synced', { exact: true })
      .waitFor({ timeout: 30_000 });
    if ((await fixed.getByText(/git file broken since/).count()) === 0) break;
    assert.ok(Date.now() < deadline, 'the problem left the page once fixed');
    await fixed.waitForTimeout(2_000);
    await fixed.reload();
    await enterIfAsked(fixed, 3_000);
  }
  await fixed.close();
  assert.deepEqual(
    (await stgInCluster()).secrets,
    before.secrets,
    'no new Helm revision',
  );
});
