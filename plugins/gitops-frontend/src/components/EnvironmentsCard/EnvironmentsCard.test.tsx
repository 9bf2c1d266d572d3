import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { GitopsPromotion } from '@backstage-gitops/plugin-gitops-common';
import { ReleasesCard } from '../ReleasesCard';
import {
  clusterStatus,
  podinfoPipeline,
  podinfoRelease,
} from '../testEntities';
import {
  enabledButton,
  expectBrokenStgFileNote,
  minutesAgo,
  problemOf,
  renderWithBackend,
  setupCardTest,
} from '../testUtils';
import { EnvironmentsCard } from './EnvironmentsCard';

const shared = setupCardTest(<EnvironmentsCard />, '/environments');
const { backend, renderCard } = shared;
const stage = (name: string) => within(screen.getByTestId(`stage-${name}`));

const stgDiff = [
  '--- a/releases/stg/podinfo.yaml',
  '+++ b/releases/stg/podinfo.yaml',
  '@@ -12,1 +12,1 @@',
  '-      tag: stg-9ij63o4c',
  '+      tag: stg-mww931xk',
].join('\n');

function promotionToStg(dryRun: boolean): GitopsPromotion {
  return {
    from: {
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
      tag: 'dev-mww931xk',
    },
    to: {
      environment: 'stg',
      namespace: 'stg',
      name: 'podinfo-stg',
      tag: 'stg-9ij63o4c',
    },
    container: 'chart-image',
    image: 'stefanprodan/podinfo',
    tag: 'stg-mww931xk',
    digest: 'sha256:1111',
    mode: 'same-digest',
    reason: 'stg-mww931xk points at the digest dev-mww931xk has',
    path: 'releases/stg/podinfo.yaml',
    diff: stgDiff,
    commit: dryRun ? undefined : 'c0ffee0000000000000000000000000000000000',
  };
}

function promotionToProd(dryRun: boolean): GitopsPromotion {
  return {
    from: {
      environment: 'stg',
      namespace: 'stg',
      name: 'podinfo-stg',
      tag: 'stg-9ij63o4c',
    },
    to: {
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
      tag: '0.4.10',
    },
    container: 'chart-image',
    image: 'stefanprodan/podinfo',
    tag: 'stg-9ij63o4c',
    digest: 'sha256:2222',
    mode: 'copy-and-lock',
    reason: 'no tag on sha256:2222 is allowed by semver:~0.4',
    path: 'releases/prod/podinfo.yaml',
    diff: '-      tag: 0.4.10\n+      tag: stg-9ij63o4c\n+    fluxcd.io/locked: "true"',
    commit: dryRun ? undefined : 'beef000000000000000000000000000000000000',
  };
}

describe('EnvironmentsCard', () => {
  shared.showsProgress();

  shared.explainsMissingAnnotations(
    'explains the annotations when the entity carries none',
    ['gitops.backstage.io/release-selector', 'backstage.io/kubernetes-id'],
  );

  it('says that nothing was synced when the store has no environments', async () => {
    backend.current.environments = [];
    await renderCard();
    expect(
      await screen.findByText('No environments synced yet'),
    ).toBeInTheDocument();
  });

  shared.saysNoReleaseIsRecorded(
    'says when the entity has no release in any environment',
    'None of the environments (dev -> stg -> prod) deploys this entity according to git sync.',
  );

  shared.showsErrorPanelWhenDown(502, 'bad gateway');

  it('draws the stages left to right with tag, policy, registry and how each compares with the one before', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    dev.images[0].status = {
      latestTag: 'dev-mww931xk',
      checkedAt: minutesAgo(1),
    };
    stg.images[0].status = { latestTag: 'stg-zzzz', checkedAt: minutesAgo(1) };
    prod.images[0].status = {
      latestTag: '0.4.11',
      reason: 'highest version in ~0.4',
      checkedAt: minutesAgo(1),
    };
    backend.current.releases = [prod, stg, dev];
    await renderCard();

    await screen.findByTestId('stage-dev');
    const stages = screen.getAllByRole('listitem').map(s => s.dataset.testid);
    expect(stages).toEqual(['stage-dev', 'stage-stg', 'stage-prod']);

    expect(stage('dev').getByText('dev-mww931xk')).toBeInTheDocument();
    expect(stage('dev').getByText('glob:dev-*')).toBeInTheDocument();
    expect(
      stage('dev').getByText('runs the newest tag allowed'),
    ).toBeInTheDocument();
    expect(stage('dev').getByText('cluster demo')).toBeInTheDocument();

    expect(stage('stg').getByText('stg-9ij63o4c')).toBeInTheDocument();
    expect(stage('stg').getByText('glob:stg-*')).toBeInTheDocument();
    expect(
      stage('stg').getByText('newest allowed: stg-zzzz'),
    ).toBeInTheDocument();
    expect(
      stage('stg').getByText('differs from dev, which runs dev-mww931xk'),
    ).toBeInTheDocument();

    expect(stage('prod').getByText('0.4.10')).toBeInTheDocument();
    expect(stage('prod').getByText('semver:~0.4')).toBeInTheDocument();
    expect(stage('prod').getByText('newest allowed: 0.4.11')).toHaveAttribute(
      'title',
      'highest version in ~0.4',
    );

    // Within its stage a tag is found once, even by a substring search (the
    // browser test's getByText), and exactly as its own text.
    for (const [name, tag] of [
      ['dev', 'dev-mww931xk'],
      ['stg', 'stg-9ij63o4c'],
      ['prod', '0.4.10'],
    ]) {
      expect(stage(name).getAllByText(tag, { exact: false })).toHaveLength(1);
    }

    // Promotion only goes forward: never into the first stage.
    expect(
      stage('dev').queryByRole('button', { name: /^Promote/ }),
    ).not.toBeInTheDocument();
    expect(
      stage('stg').getByRole('button', { name: 'Promote to stg' }),
    ).toBeInTheDocument();
    expect(
      stage('prod').getByRole('button', { name: 'Promote to prod' }),
    ).toBeInTheDocument();
  });

  it('says a stage is in step, behind or ahead only from the tags', async () => {
    backend.current.releases = [
      podinfoRelease('dev', '0.4.11', 'semver:~0.4'),
      podinfoRelease('stg', '0.4.11', 'semver:~0.4'),
      podinfoRelease('prod', '0.4.10', 'semver:~0.4'),
    ];
    const first = await renderCard();
    expect(await screen.findByText('in step with dev')).toBeInTheDocument();
    expect(
      stage('prod').getByText('behind stg, which runs 0.4.11'),
    ).toBeInTheDocument();
    first.unmount();

    backend.current.releases = [
      podinfoRelease('dev', '0.4.10', 'semver:~0.4'),
      podinfoRelease('stg', '0.5.0', 'semver:*'),
    ];
    await renderCard();
    expect(
      await screen.findByText('ahead of dev, which runs 0.4.10'),
    ).toBeInTheDocument();
    expect(stage('prod').getByText('Not deployed here')).toBeInTheDocument();
  });

  it('compares a stage with the one before however each spells the image', async () => {
    const nginx = (
      environment: string,
      tag: string,
      image: { registry?: string; repository: string },
    ) =>
      podinfoRelease(environment, tag, 'semver:*', {
        images: [{ container: 'chart-image', tag, ...image }],
      });
    backend.current.releases = [
      nginx('dev', '1.27.0', {
        registry: 'docker.io',
        repository: 'library/nginx',
      }),
      nginx('stg', '1.26.0', { repository: 'nginx' }),
      nginx('prod', '1.26.0', { registry: 'ghcr.io', repository: 'nginx' }),
    ];
    await renderCard();
    expect(
      await stage('stg').findByText('behind dev, which runs 1.27.0'),
    ).toBeInTheDocument();
    expect(
      stage('prod').getByText('stg does not run ghcr.io/nginx'),
    ).toBeInTheDocument();
  });

  it('shows locked and manual stages, and which of them can be locked or unlocked', async () => {
    backend.current.releases = [
      podinfoRelease('dev', 'dev-1', 'glob:dev-*'),
      podinfoRelease('stg', 'stg-1', 'glob:stg-*', { locked: true }),
      podinfoRelease('prod', '0.4.10', 'semver:~0.4', { automated: false }),
    ];
    await renderCard();
    await screen.findByTestId('stage-dev');
    expect(stage('stg').getByText('glob:stg-* (locked)')).toBeInTheDocument();
    expect(stage('prod').getByText('manual')).toBeInTheDocument();
    expect(
      stage('dev').getByRole('button', { name: 'Lock dev' }),
    ).toBeInTheDocument();
    expect(
      stage('stg').getByRole('button', { name: 'Unlock stg' }),
    ).toBeInTheDocument();
    expect(
      stage('stg').queryByRole('button', { name: 'Lock stg' }),
    ).not.toBeInTheDocument();
    expect(
      stage('prod').queryByRole('button', { name: /Lock|Unlock/ }),
    ).not.toBeInTheDocument();
  });

  it("offers a lock for a marker this plugin automates, and shows none and offers none where Flux's image automation commits or automation is off", async () => {
    const reported = (automation: 'flux' | 'off') => ({
      imagePolicy: 'flux-system/podinfo',
      policy: 'semver:~6.5.0',
      automation,
      checkedAt: minutesAgo(1),
    });
    // A setter marker this plugin automates: no Flux v1 annotation, yet lockable.
    const dev = podinfoRelease('dev', 'dev-1', 'glob:dev-*', {
      automated: false,
    });
    dev.images[0].status = {
      imagePolicy: 'flux-system/podinfo-dev',
      policy: 'semver:>=6.0.0-0',
      automation: 'backstage',
      checkedAt: minutesAgo(1),
    };
    // Locked in the file, which Flux's image-automation-controller ignores.
    const stg = podinfoRelease('stg', '6.5.0', 'semver:~6.5.0', {
      locked: true,
    });
    stg.images[0].status = reported('flux');
    const prod = podinfoRelease('prod', '6.5.0', 'semver:~6.5.0');
    prod.images[0].status = reported('off');
    backend.current.releases = [dev, stg, prod];
    await renderCard();
    await screen.findByTestId('stage-dev');

    expect(
      stage('dev').getByRole('button', { name: 'Lock dev' }),
    ).toBeInTheDocument();
    expect(
      stage('stg').getByText('semver:~6.5.0 (Flux commits)'),
    ).toBeInTheDocument();
    expect(stage('stg').queryByText(/locked/)).not.toBeInTheDocument();
    for (const env of ['stg', 'prod']) {
      expect(
        stage(env).queryByRole('button', { name: /^(Lock|Unlock)/ }),
      ).not.toBeInTheDocument();
    }
    // Promotion stays: it writes the tag Flux's policy allows.
    expect(
      stage('stg').getByRole('button', { name: 'Promote to stg' }),
    ).toBeInTheDocument();
  });

  it('promotes after showing the dry run: same digest, automation keeps working', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.promotion = promotionToStg;
    await renderCard();
    fireEvent.click(await enabledButton('Promote to stg'));

    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Promote to stg')).toBeInTheDocument();
    expect(
      await within(dialog).findByTestId('promotion-mode'),
    ).toHaveTextContent(
      'stg-mww931xk has the same image digest and matches glob:stg-*: automation keeps working.',
    );
    expect(
      within(dialog).getByText(
        'dev runs stefanprodan/podinfo:dev-mww931xk; stg runs stg-9ij63o4c. The promotion writes stg-mww931xk to stg.',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('The change to releases/stg/podinfo.yaml'),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('promotion-diff').textContent).toBe(
      stgDiff.split('\n').join(''),
    );
    expect(
      within(dialog).getByText(/^\+ tag: stg-mww931xk$/),
    ).toBeInTheDocument();

    const promoteRequests = () =>
      backend.current.requests.filter(
        r => r.path === '/releases/stg/stg/podinfo-stg/promote',
      );
    expect(promoteRequests().map(r => r.body)).toEqual([
      { entityRef: 'component:default/podinfo', dryRun: true },
    ]);

    const reads = backend.current.count('GET', '/releases');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote' }));
    const outcome = await screen.findByTestId('gitops-action-outcome');
    expect(outcome).toHaveTextContent(
      'Promoted stg to stg-mww931xk; its automation keeps working at commit c0ffee00',
    );
    expect(
      within(outcome).getByRole('link', { name: /^c0ffee00/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/example/config/commit/c0ffee0000000000000000000000000000000000',
    );
    expect(promoteRequests().map(r => r.body)).toEqual([
      { entityRef: 'component:default/podinfo', dryRun: true },
      { entityRef: 'component:default/podinfo', dryRun: false },
    ]);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(backend.current.count('GET', '/releases')).toBe(reads + 1),
    );
  });

  it('explains a copy-and-lock promotion before confirming it', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.promotion = promotionToProd;
    await renderCard();
    fireEvent.click(await enabledButton('Promote to prod'));
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByTestId('promotion-mode'),
    ).toHaveTextContent(
      "No tag on this digest matches semver:~0.4: the tag stg-9ij63o4c is copied and prod's automation is locked.",
    );
    expect(
      within(dialog).getByText(
        'no tag on sha256:2222 is allowed by semver:~0.4 (digest sha256:2222)',
      ),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote' }));
    expect(
      await screen.findByTestId('gitops-action-outcome'),
    ).toHaveTextContent(
      'Promoted prod to stg-9ij63o4c and locked its automation at commit beef0000',
    );
  });

  it('promotes nothing when the dialog is cancelled', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.promotion = promotionToStg;
    await renderCard();
    fireEvent.click(await enabledButton('Promote to stg'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('promotion-mode');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      backend.current.requests
        .filter(r => r.path.endsWith('/promote'))
        .map(r => r.body?.dryRun),
    ).toEqual([true]);
    expect(
      screen.queryByTestId('gitops-action-outcome'),
    ).not.toBeInTheDocument();
  });

  it('shows why a promotion cannot be done and offers no confirm', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.fail(
      '/releases/stg/stg/podinfo-stg/promote',
      409,
      'dev has no image status yet',
    );
    await renderCard();
    fireEvent.click(await enabledButton('Promote to stg'));
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        'This promotion cannot be done: dev has no image status yet',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Promote' }),
    ).toBeDisabled();
  });

  it('locks and unlocks automation, showing the commit and reading again', async () => {
    backend.current.releases = [
      podinfoRelease('dev', 'dev-1', 'glob:dev-*'),
      podinfoRelease('stg', 'stg-1', 'glob:stg-*', { locked: true }),
    ];
    await renderCard();
    const reads = backend.current.count('GET', '/releases');
    fireEvent.click(await enabledButton('Lock dev'));
    expect(
      await screen.findByTestId('gitops-action-outcome'),
    ).toHaveTextContent(
      'Locked the image automation of dev at commit aaaabbbb',
    );
    expect(
      backend.current.bodyOf('/releases/dev/dev/podinfo-dev/lock'),
    ).toEqual({ entityRef: 'component:default/podinfo' });
    await waitFor(() =>
      expect(backend.current.count('GET', '/releases')).toBe(reads + 1),
    );

    fireEvent.click(await enabledButton('Unlock stg'));
    await waitFor(() =>
      expect(screen.getByTestId('gitops-action-outcome')).toHaveTextContent(
        'Unlocked the image automation of stg at commit 44445555',
      ),
    );
    expect(
      backend.current.bodyOf('/releases/stg/stg/podinfo-stg/unlock'),
    ).toEqual({ entityRef: 'component:default/podinfo' });
  });

  it('shows which environment failed, why, and stale cluster data with its age', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    prod.status = clusterStatus('Synced', {
      checkedAt: minutesAgo(30),
      stale: { error: 'cluster unreachable', at: minutesAgo(25) },
    });
    dev.images[0].status = {
      error: 'registry 127.0.0.1:5000 unreachable: connection refused',
      checkedAt: minutesAgo(1),
    };
    backend.current.releases = [dev, stg, prod];
    backend.current.problems = [
      problemOf('stg', 'releases/stg/broken.yaml', 'bad indentation', {
        line: 3,
      }),
    ];
    await renderCard();
    const panel = await screen.findByTestId('gitops-partial-errors');
    expect(panel).toHaveTextContent(
      'stg: releases/stg/broken.yaml:3 could not be read: bad indentation',
    );
    expect(panel).toHaveTextContent(
      'prod: cluster demo has not answered for podinfo-prod since 25 minutes ago (cluster unreachable); its state is from 30 minutes ago.',
    );
    expect(
      stage('stg').getByText('git sync could not read a file of stg'),
    ).toBeInTheDocument();
    expect(
      stage('prod').getByText(/cluster has not answered since/),
    ).toHaveTextContent('cluster has not answered since 25 minutes ago');
    expect(
      stage('dev').getByText(
        'registry: registry 127.0.0.1:5000 unreachable: connection refused',
      ),
    ).toBeInTheDocument();
  });

  it('makes the releases card read again after a promotion', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.promotion = promotionToStg;
    await renderWithBackend(
      <>
        <ReleasesCard />
        <EnvironmentsCard />
      </>,
    );
    await screen.findByTestId('release-stg');
    fireEvent.click(await enabledButton('Promote to stg'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('promotion-mode');

    const promoted = podinfoRelease('stg', 'stg-mww931xk', 'glob:stg-*', {
      status: clusterStatus('Progressing'),
    });
    backend.current.releases = [
      podinfoPipeline()[0],
      promoted,
      podinfoPipeline()[2],
    ];
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote' }));

    expect(
      await within(await screen.findByTestId('release-stg')).findByText(
        'stefanprodan/podinfo:stg-mww931xk',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('release-stg')).getByText('Progressing'),
    ).toBeInTheDocument();
    expect(stage('stg').getByText('stg-mww931xk')).toBeInTheDocument();
  });
  it('keeps the stage of a broken file with its last good tag and the problem', async () => {
    const { stg } = shared.serveBrokenStgFile(
      problemOf('stg', 'releases/stg/podinfo.yaml', 'prune held back', {
        at: minutesAgo(5),
        source: 'prune',
      }),
    );
    await renderCard();
    await screen.findByTestId('stage-stg');
    expect(stage('stg').getByText(stg.images[0].tag)).toBeInTheDocument();
    expectBrokenStgFileNote(stage('stg').getByTestId('source-problem'));
    expect(
      stage('stg').getByText(
        'git sync could not read a file of stg; a prune held back',
      ),
    ).toBeInTheDocument();
    expect(stage('prod').queryByTestId('source-problem')).toBeNull();
  });

  it('offers no write on a stage whose file is broken, and says why', async () => {
    shared.serveBrokenStgFile();
    await renderCard();
    const promote = await screen.findByRole('button', {
      name: 'Promote to stg',
    });
    expect(promote).toBeDisabled();
    expect(promote.parentElement).toHaveAttribute(
      'title',
      'Fix releases/stg/podinfo.yaml first: it does not read cleanly',
    );
    // prod reads cleanly: it may still be promoted.
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote to prod' }),
      ).toBeEnabled(),
    );
  });
});
