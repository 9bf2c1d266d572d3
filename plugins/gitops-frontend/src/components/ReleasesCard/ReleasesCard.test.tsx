import { fireEvent, screen, waitFor, within } from '@testing-library/react';
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
  setupCardTest,
} from '../testUtils';
import { ReleasesCard } from './ReleasesCard';

const shared = setupCardTest(<ReleasesCard />, '/releases');
const { backend, renderCard } = shared;

const row = (environment: string) =>
  screen.getByTestId(`release-${environment}`);

describe('ReleasesCard', () => {
  shared.showsProgress();

  shared.explainsMissingAnnotations(
    'explains the four annotations when the entity carries none, without asking the backend',
    [
      'gitops.backstage.io/helm-chart',
      'gitops.backstage.io/image',
      'gitops.backstage.io/release-selector',
      'backstage.io/kubernetes-id',
    ],
    () =>
      // Runs inside the shared test's own it().
      // eslint-disable-next-line jest/no-standalone-expect
      expect(
        screen.getByText(/gitops.backstage.io\/helm-chart: lonely/),
      ).toBeInTheDocument(),
  );

  shared.saysNoReleaseIsRecorded(
    'says when no release of the entity is recorded',
    'Linked by gitops.backstage.io/helm-chart: podinfo',
  );

  shared.showsErrorPanelWhenDown(503, 'gitops backend unavailable');

  it('lists each environment in pipeline order with release, namespace, cluster, chart, image, revision, time and commit', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    dev.status = clusterStatus('Synced', {
      reason: 'deployed podinfo-0.2.1 revision 3',
      revision: 3,
      deployedAt: minutesAgo(5),
    });
    backend.current.releases = [prod, dev, stg];
    await renderCard();

    await screen.findByTestId('release-dev');
    const rows = screen.getAllByTestId(/^release-/).map(r => r.dataset.testid);
    expect(rows).toEqual(['release-dev', 'release-stg', 'release-prod']);

    const devRow = within(row('dev'));
    expect(devRow.getByText('dev')).toBeInTheDocument();
    expect(devRow.getByText('podinfo-dev')).toBeInTheDocument();
    expect(devRow.getByText('namespace dev, cluster demo')).toBeInTheDocument();
    expect(devRow.getByText('chart podinfo 0.2.0')).toBeInTheDocument();
    expect(
      devRow.getByText('stefanprodan/podinfo:dev-mww931xk'),
    ).toBeInTheDocument();
    expect(devRow.getByText('Synced')).toBeInTheDocument();
    expect(
      devRow.getByText('deployed podinfo-0.2.1 revision 3'),
    ).toBeInTheDocument();
    expect(devRow.getByText('Helm revision 3')).toBeInTheDocument();
    const time = devRow.getByText('5 minutes ago');
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute(
      'title',
      new Date(dev.status.deployedAt!).toLocaleString(),
    );
    // github.com over https: the commit links to its page
    expect(devRow.getByRole('link', { name: /^01234567/ })).toHaveAttribute(
      'href',
      'https://github.com/example/config/commit/0123456789abcdef0123456789abcdef01234567',
    );
  });

  it('links commits only for https GitHub or GitLab repositories', async () => {
    backend.current.repositories = [
      {
        id: 'config',
        url: 'https://user:secret@gitlab.example.com/group/config.git',
        branch: 'main',
      },
    ];
    backend.current.releases = [podinfoRelease('dev', 'dev-1', 'glob:dev-*')];
    const first = await renderCard();
    const link = await within(
      await screen.findByTestId('release-dev'),
    ).findByRole('link', {
      name: /^01234567/,
    });
    expect(link).toHaveAttribute(
      'href',
      'https://gitlab.example.com/group/config/-/commit/0123456789abcdef0123456789abcdef01234567',
    );
    first.unmount();

    backend.current.repositories = [
      { id: 'config', url: '/tmp/config-repo', branch: 'main' },
    ];
    await renderCard();
    const devRow = within(await screen.findByTestId('release-dev'));
    expect(devRow.getByText(/01234567/)).toBeInTheDocument();
    expect(devRow.queryByRole('link')).not.toBeInTheDocument();
  });

  it.each([
    ['Synced', clusterStatus('Synced')],
    ['Progressing', clusterStatus('Progressing')],
    ['Drifted', clusterStatus('Drifted')],
    ['Failed', clusterStatus('Failed')],
    [
      'Missing',
      clusterStatus('Missing', { revision: undefined, deployedAt: undefined }),
    ],
    [
      'Stale',
      clusterStatus('Drifted', {
        checkedAt: minutesAgo(12),
        stale: {
          error: 'cluster unreachable (ECONNREFUSED)',
          at: minutesAgo(7),
        },
      }),
    ],
  ])('shows a %s chip with its reason', async (label, status) => {
    backend.current.releases = [
      podinfoRelease('dev', 'dev-1', 'glob:dev-*', { status }),
    ];
    await renderCard();
    const devRow = within(await screen.findByTestId('release-dev'));
    const chip = devRow.getByText(label);
    expect(chip.closest('.MuiChip-root')).not.toBeNull();
    expect(devRow.getByText(status.reason)).toBeInTheDocument();
    // The stale case also says what was last known and since when.
    if (label === 'Stale') {
      const stale = devRow.getByText(/^Last known state/);
      // eslint-disable-next-line jest/no-conditional-expect
      expect(stale).toHaveTextContent(
        'Last known state Drifted, 12 minutes ago; no answer since 7 minutes ago.',
      );
      // eslint-disable-next-line jest/no-conditional-expect
      expect(stale).toHaveAttribute(
        'title',
        'cluster unreachable (ECONNREFUSED)',
      );
    }
  });

  it('says when no cluster has reported on a release yet', async () => {
    backend.current.releases = [podinfoRelease('dev', 'dev-1', 'glob:dev-*')];
    await renderCard();
    expect(
      await screen.findByText(
        'Not reconciled yet: no cluster has reported on this release.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No Helm revision')).toBeInTheDocument();
  });

  it('opens a row into the Helm history and the events of that release', async () => {
    const [dev, stg] = podinfoPipeline();
    dev.status = clusterStatus('Drifted', {
      differences: [
        { path: 'values.replicaCount', desired: 1, live: 5 },
        {
          path: 'values.database.url',
          desired: 'set-by-secret',
          withheld: { sides: ['live'], reason: 'values-from' },
        },
        {
          path: 'values.auth.token',
          withheld: { sides: ['desired', 'live'], reason: 'secret-name' },
        },
      ],
    });
    backend.current.releases = [dev, stg];
    backend.current.histories['dev/dev/podinfo-dev'] = [
      {
        revision: 3,
        status: 'deployed',
        chartName: 'podinfo',
        chartVersion: '0.2.1',
        appVersion: '6.0.0',
        description: 'Upgrade complete',
        deployedAt: minutesAgo(3),
      },
      {
        revision: 2,
        status: 'superseded',
        chartName: 'podinfo',
        chartVersion: '0.2.0',
        appVersion: '5.9.0',
        description: 'Install complete',
        deployedAt: minutesAgo(60),
      },
    ];
    backend.current.events = [
      {
        id: 1,
        type: 'image-updated',
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
        repository: 'config',
        commit: 'abcdef0123456789',
        author: 'Flux',
        message: 'Auto-release stefanprodan/podinfo:dev-2',
        details: { image: 'stefanprodan/podinfo', from: 'dev-1', to: 'dev-2' },
        at: minutesAgo(4),
      },
      {
        id: 2,
        type: 'release-updated',
        environment: 'stg',
        namespace: 'stg',
        name: 'podinfo-stg',
        at: minutesAgo(4),
      },
    ];
    await renderCard();
    await screen.findByTestId('release-dev');
    expect(
      backend.current.count('GET', '/releases/dev/dev/podinfo-dev/history'),
    ).toBe(0);

    fireEvent.click(
      screen.getByRole('button', { name: 'Show history of dev' }),
    );
    const history = await screen.findByRole('table', {
      name: 'Helm history of dev',
    });
    const revisions = within(history).getAllByRole('row').slice(1);
    expect(revisions).toHaveLength(2);
    expect(within(revisions[0]).getByText('3')).toBeInTheDocument();
    expect(within(revisions[0]).getByText('deployed')).toBeInTheDocument();
    expect(within(revisions[0]).getByText('podinfo 0.2.1')).toBeInTheDocument();
    expect(within(revisions[0]).getByText('6.0.0')).toBeInTheDocument();
    expect(
      within(revisions[0]).getByText('Upgrade complete'),
    ).toBeInTheDocument();
    expect(within(revisions[0]).getByText('3 minutes ago')).toBeInTheDocument();
    expect(within(revisions[1]).getByText('superseded')).toBeInTheDocument();
    expect(within(revisions[1]).getByText('1 hour ago')).toBeInTheDocument();

    expect(
      screen.getByText('values.replicaCount: git wants 1, the cluster has 5'),
    ).toBeInTheDocument();
    // Withheld sides read as hidden, not as absent.
    expect(
      screen.getByText(
        'values.database.url: git wants "set-by-secret", the cluster has a value not shown (valuesFrom may fill it)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'values.auth.token: git wants a value not shown, the cluster has a value not shown (named like a secret)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Image automation: glob:dev-*'),
    ).toBeInTheDocument();
    const events = screen.getAllByTestId('release-event');
    expect(events).toHaveLength(1);
    expect(events[0].textContent?.replace(', Opens in a new window', '')).toBe(
      '4 minutes ago: image stefanprodan/podinfo dev-1 -> dev-2 at abcdef01, "Auto-release stefanprodan/podinfo:dev-2" by Flux',
    );
    expect(
      within(events[0]).getByRole('link', { name: /^abcdef01/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/example/config/commit/abcdef0123456789',
    );

    fireEvent.click(
      screen.getByRole('button', { name: 'Hide history of dev' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('table', { name: 'Helm history of dev' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('keeps the releases when the events cannot be read', async () => {
    backend.current.releases = [podinfoRelease('dev', 'dev-1', 'glob:dev-*')];
    backend.current.fail('/events', 500, 'events table locked');
    await renderCard();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Show history of dev' }),
    );
    expect(
      await screen.findByText('Could not read the events: events table locked'),
    ).toBeInTheDocument();
  });

  it('names the environments whose files or repository failed, and the stale ones with their age', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    prod.status = clusterStatus('Synced', {
      checkedAt: minutesAgo(30),
      stale: {
        error: 'cluster unreachable (ECONNREFUSED)',
        at: minutesAgo(20),
      },
    });
    backend.current.releases = [dev, stg, prod];
    backend.current.problems = [
      problemOf(
        'stg',
        'releases/stg/broken.yaml',
        'Nested mappings are not allowed',
        { line: 7 },
      ),
      problemOf('dev', '', 'git fetch failed: connection refused', {
        at: minutesAgo(15),
      }),
    ];
    await renderCard();
    const panel = await screen.findByTestId('gitops-partial-errors');
    expect(panel).toHaveTextContent(
      'stg: releases/stg/broken.yaml:7 could not be read: Nested mappings are not allowed',
    );
    expect(panel).toHaveTextContent(
      'dev: repository config could not be synced since 15 minutes ago: git fetch failed: connection refused',
    );
    expect(panel).toHaveTextContent(
      'prod: cluster demo has not answered for podinfo-prod since 20 minutes ago (cluster unreachable (ECONNREFUSED)); its state is from 30 minutes ago.',
    );
    expect(within(row('prod')).getByText('Stale')).toBeInTheDocument();
    expect(within(row('dev')).getByText('Synced')).toBeInTheDocument();
  });

  it('keeps a release whose file broke, saying since when and where, with its last good tag', async () => {
    const { stg } = shared.serveBrokenStgFile(
      problemOf(
        'prod',
        'releases/prod/podinfo.yaml',
        'admission webhook denied the request',
        {
          at: minutesAgo(3),
          source: 'apply',
          object: 'HelmRelease prod/podinfo-prod (helm.fluxcd.io/v1)',
        },
      ),
    );
    await renderCard();
    expectBrokenStgFileNote(
      within(await screen.findByTestId('release-stg')).getByTestId(
        'source-problem',
      ),
    );
    // The last good tag is still what the row shows.
    expect(row('stg')).toHaveTextContent(stg.images[0].tag);
    expect(within(row('dev')).queryByTestId('source-problem')).toBeNull();
    expect(
      await screen.findByTestId('gitops-partial-errors'),
    ).toHaveTextContent(
      'prod: HelmRelease prod/podinfo-prod (helm.fluxcd.io/v1) from releases/prod/podinfo.yaml could not be applied (since 3 minutes ago): admission webhook denied the request',
    );
  });

  it('shows how old the git data is, and a later failed sync', async () => {
    backend.current.releases = [podinfoRelease('dev', 'dev-1', 'glob:dev-*')];
    backend.current.repositories = [
      {
        id: 'config',
        url: 'https://github.com/example/config',
        branch: 'main',
        lastCommit: '51fb1f6f00000000',
        lastSyncedAt: minutesAgo(40),
        lastError: 'authentication required',
        lastErrorAt: minutesAgo(2),
      },
    ];
    await renderCard();
    expect(await screen.findByText(/^Git config synced/)).toHaveTextContent(
      'Git config synced 40 minutes ago at 51fb1f6f, Opens in a new window; the last attempt failed 2 minutes ago: authentication required',
    );
  });

  it('starts a sync of the entity repository and reads again', async () => {
    backend.current.releases = podinfoPipeline();
    await renderCard();
    const sync = await enabledButton('Sync now');
    const reads = backend.current.count('GET', '/releases');
    fireEvent.click(sync);

    const outcome = await screen.findByTestId('gitops-action-outcome');
    expect(outcome).toHaveTextContent(
      'Sync of config requested by user:default/guest',
    );
    expect(backend.current.bodyOf('/sync')).toEqual({ repository: 'config' });
    await waitFor(() =>
      expect(backend.current.count('GET', '/releases')).toBe(reads + 1),
    );
  });

  it('asks the cluster to reconcile a release, for this entity, and reads again', async () => {
    backend.current.releases = podinfoPipeline();
    await renderCard();
    const reconcile = await enabledButton('Reconcile stg');
    const reads = backend.current.count('GET', '/releases');
    fireEvent.click(reconcile);

    expect(
      await screen.findByTestId('gitops-action-outcome'),
    ).toHaveTextContent(
      'Reconcile of podinfo-stg in stg requested on cluster demo',
    );
    expect(
      backend.current.bodyOf('/releases/stg/stg/podinfo-stg/reconcile'),
    ).toEqual({ entityRef: 'component:default/podinfo' });
    await waitFor(() =>
      expect(backend.current.count('GET', '/releases')).toBe(reads + 1),
    );
  });

  it('shows why an action failed', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.fail(
      '/releases/prod/prod/podinfo-prod/reconcile',
      403,
      'user:default/guest may not reconcile prod/podinfo-prod in prod',
    );
    await renderCard();
    fireEvent.click(await enabledButton('Reconcile prod'));
    expect(
      await screen.findByTestId('gitops-action-outcome'),
    ).toHaveTextContent(
      'Could not reconcile prod: user:default/guest may not reconcile prod/podinfo-prod in prod',
    );
  });
});
