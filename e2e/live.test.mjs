// Seconds, not minutes (issue 14), in a real browser: an image pushed to the
// demo registry reaches an open podinfo-v2 page without a reload. The demo
// registry notifies the backend (events ingress), which scans that image at
// once; the automation commit is synced at once; the backend signals the
// entity's channel and the card reads again. Without any of those links the
// chain waits on polls (scan 15 s, sync 30 s, the card's fallback 60 s).
// scripts/test.sh starts the portal first; runs after flux-v2.test.mjs.
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
// Inside staging's range (>=6.0.0-0 <7.0.0) and above what flux-v2.test.mjs pushed.
const TAG = '6.5.2-rc.1';
// Polls alone could not do it in this time: the scan's 15 s plus the sync's
// 30 s already exceed it, before the card's own 60 s fallback.
const LIVE_WITHIN_MS = 20_000;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const stage = (page, environment) => page.getByTestId(`stage-${environment}`);

test('a pushed image reaches the open card without a reload, in seconds', async () => {
  // The signal the card refreshed on: frames of the signals WebSocket that
  // name the entity's channel.
  const entityChannel = 'gitops:entity:component:default/podinfo-v2';
  const signalled = [];
  const watchSignals = p =>
    p.on('websocket', socket => {
      if (!socket.url().includes('/api/signals')) return;
      socket.on('framereceived', ({ payload }) => {
        if (String(payload).includes(entityChannel)) signalled.push(Date.now());
      });
    });
  const page = await waitOnComponent(
    browser,
    'podinfo-v2',
    p => stage(p, 'staging').getByText(/^6\.5\.\d/),
    { name: 'live-before', count: 1 },
    undefined,
    watchSignals,
  );
  // Any navigation from here on (a reload) would make the test meaningless.
  let navigations = 0;
  page.on('framenavigated', frame => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  const remote = demoRemoteGit('config-repo-v2.git');
  const before = await remote('rev-parse', 'main');

  const started = Date.now();
  await run(process.execPath, [
    path.join(root, 'scripts/push-demo-image.mjs'),
    '--image',
    IMAGE,
    TAG,
  ]);
  await stage(page, 'staging')
    .getByText(TAG, { exact: true })
    .first()
    .waitFor({ timeout: LIVE_WITHIN_MS });
  const elapsedMs = Date.now() - started;
  console.log(`pushed image on the open card after ${elapsedMs} ms`);
  console.log(`screenshot: ${await screenshot(page, 'podinfo-v2-live.png')}`);
  assert.equal(navigations, 0, 'the page was reloaded');
  assert.ok(elapsedMs < LIVE_WITHIN_MS, `took ${elapsedMs} ms`);
  assert.ok(
    signalled.some(at => at >= started),
    `no signal on ${entityChannel} reached the page after the push`,
  );

  // It got there through the one automation commit, as in git.
  const commits = (await remote('rev-list', `${before}..main`))
    .split('\n')
    .filter(Boolean);
  assert.equal(
    commits.length,
    1,
    `commits since the push: ${commits.join(', ')}`,
  );
  await page.close();
});
