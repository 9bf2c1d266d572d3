// Notifications (issue 15) in a real browser: the owners of podinfo hear
// what someone else did to its releases, and the one who acted does not.
// In the demo, guest is the only member of podinfo-team, so guest's own lock
// and unlock reach nobody; the demo's release bot (a static token that
// scripts/test.sh hands to the portal and to this test) promotes dev to stg,
// and guest finds that promotion, and image automation's commit before it,
// on the notifications page. scripts/test.sh starts the portal first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  appUrl,
  backendUrl,
  demoRemoteGit,
  enterIfAsked,
  launchBrowser,
  root,
  run,
  screenshot,
} from './demoPortal.mjs';

const PODINFO_PAGE = '/catalog/default/component/podinfo';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A token of the demo's guest, as the sign-in page gets one. */
async function guestToken() {
  const response = await fetch(
    `${backendUrl}/api/auth/guest/refresh?env=development`,
    {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    },
  );
  assert.equal(response.status, 200, `guest sign-in: ${response.status}`);
  return (await response.json()).backstageIdentity.token;
}

/** POSTs a gitops action on a release; answers the status and body. */
async function act(token, release, action, body = {}) {
  const { environment, namespace, name } = release;
  const response = await fetch(
    `${backendUrl}/api/gitops/releases/${environment}/${namespace}/${name}/${action}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    },
  );
  return {
    status: response.status,
    body: await response.json().catch(() => undefined),
  };
}

/** The notifications the notifications backend holds for this user, newest first. */
async function notificationsOf(token) {
  const response = await fetch(`${backendUrl}/api/notifications?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, `notifications: ${response.status}`);
  return (await response.json()).notifications;
}

/**
 * Waits until `find` returns something, asking every second; fails after
 * `timeoutMs`, saying what `lastSeen` tells.
 */
async function eventually(what, find, timeoutMs = 60_000, lastSeen = () => '') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    assert.ok(
      Date.now() < deadline,
      `${what} never happened ${lastSeen()}`.trim(),
    );
    await sleep(1_000);
  }
}

const dev = { environment: 'dev', namespace: 'dev', name: 'podinfo-dev' };
const stg = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
const prod = { environment: 'prod', namespace: 'prod', name: 'podinfo-prod' };

test("guest hears of the release bot's promotion and of automation's commit, never of its own lock", async () => {
  const botToken = process.env.GITOPS_DEMO_RELEASE_BOT_TOKEN;
  assert.ok(
    botToken,
    'GITOPS_DEMO_RELEASE_BOT_TOKEN names the token the portal gives the release bot',
  );
  const guest = await guestToken();

  // Guest's own actions: guest is podinfo-team's only member, so nobody is told.
  const locked = await act(guest, prod, 'lock', {
    message: 'e2e: a lock of its own',
  });
  assert.ok(
    [200, 201].includes(locked.status),
    `lock: ${locked.status} ${JSON.stringify(locked.body)}`,
  );
  const unlocked = await act(guest, prod, 'unlock');
  assert.ok(
    [200, 201].includes(unlocked.status),
    `unlock: ${unlocked.status} ${JSON.stringify(unlocked.body)}`,
  );

  // Image automation commits a new dev tag: no one did it, so guest is told.
  const tag = `dev-${Date.now().toString(36)}`;
  const git = demoRemoteGit();
  await run(process.execPath, [
    path.join(root, 'scripts/push-demo-image.mjs'),
    tag,
  ]);
  await eventually(`automation's commit of ${tag}`, async () =>
    (
      await git('show', 'main:releases/dev/podinfo.yaml')
    ).includes(`tag: ${tag}`),
  );

  // The release bot promotes dev to stg once the backend has synced that
  // commit (until then dev's stored tag is the one before).
  let answer;
  const promotion = await eventually(
    `the release bot's promotion of ${tag}`,
    async () => {
      answer = await act(botToken, stg, 'promote');
      const { status, body } = answer;
      if ([200, 201].includes(status) && body.tag === tag) return body;
      assert.ok(
        [200, 201, 409].includes(status),
        `promote: ${status} ${JSON.stringify(body)}`,
      );
      return undefined;
    },
    60_000,
    () => `last answer ${answer?.status} ${JSON.stringify(answer?.body)}`,
  );
  assert.equal(promotion.requestedBy, 'external:release-bot');

  const promotedTitle = `stg/podinfo-rc in stg promoted to ${tag}`;
  const told = await eventually('the promotion notification', async () => {
    const all = await notificationsOf(guest);
    return all.some(n => n.payload.title === promotedTitle) ? all : undefined;
  });
  const promoted = told.find(n => n.payload.title === promotedTitle).payload;
  assert.match(
    promoted.description,
    /^external:release-bot promoted \S+ from dev to stg in commit [0-9a-f]{7}\.$/,
  );
  assert.equal(promoted.link, PODINFO_PAGE);
  assert.equal(promoted.topic, 'gitops.promotion');
  assert.ok(
    told.some(
      n => n.payload.title === `dev/podinfo-dev in dev updated to ${tag}`,
    ),
    `no automation notification among ${told
      .map(n => n.payload.title)
      .join(' | ')}`,
  );
  // Sent one after another, the lock's notices went before the promotion's: none reached guest.
  assert.deepEqual(
    told.filter(n =>
      /prod\/podinfo-prod in prod (locked|unlocked)/.test(n.payload.title),
    ),
    [],
  );

  // And on the notifications page, from the nav, linking to podinfo.
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await page.goto(`${appUrl}/catalog/default/component/podinfo`);
  await enterIfAsked(page);
  await page
    .getByRole('link', { name: 'Notifications' })
    .first()
    .click({ timeout: 60_000 });
  const entry = page.getByText(promotedTitle, { exact: true });
  await entry.first().waitFor({ timeout: 30_000 });
  await page
    .getByText(`dev/podinfo-dev in dev updated to ${tag}`, { exact: true })
    .first()
    .waitFor();
  assert.ok(
    new URL(page.url()).pathname.startsWith('/notifications'),
    page.url(),
  );
  console.log(
    `screenshot: ${await screenshot(page, 'notifications-page.png')}`,
  );
  await entry.first().click();
  await page.waitForURL(url => url.pathname === PODINFO_PAGE, {
    timeout: 30_000,
  });
  await page.close();
});
