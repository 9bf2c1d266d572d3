import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GitopsApi, gitopsApiRef } from '../../api';
import { podinfoEntity, podinfoRelease } from '../testEntities';
import { ReleasesCard } from './ReleasesCard';

function renderCard(api: Partial<GitopsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <EntityProvider entity={podinfoEntity}>
        <ReleasesCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const noEvents = async () => ({ items: [] });
const listEnvironments = async () => ({
  items: [
    { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
    { name: 'adm', repository: 'config', path: 'releases/adm', order: 2 },
  ],
});

describe('ReleasesCard', () => {
  it('names the annotations that link the entity, and only those', async () => {
    await renderCard({
      listReleases: async () => ({ items: [], problems: [] }),
      listEvents: noEvents,
      listEnvironments,
    });
    expect(
      await screen.findByText('Linked by gitops.backstage.io/helm-chart: podinfo'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No releases of podinfo recorded yet'),
    ).toBeInTheDocument();
  });

  it('lists each environment with chart, image, automation and commit', async () => {
    await renderCard({
      listReleases: async () => ({
        items: [
          podinfoRelease('adm', '1.0.0', 'glob:*', { automated: false }),
          podinfoRelease('dev', 'dev-kb9lm91e', 'glob:dev-*'),
        ],
        problems: [],
      }),
      listEnvironments,
      listEvents: async () => ({
        items: [
          {
            id: 1,
            type: 'release-updated',
            environment: 'dev',
            namespace: 'dev',
            name: 'podinfo-dev',
            commit: 'abcdef0123456789',
            author: 'Flux',
            message: 'Auto-release stefanprodan/podinfo:dev-kb9lm91e',
            at: '2026-11-25T10:00:00.000Z',
          },
        ],
      }),
    });
    expect(
      await screen.findByText('stefanprodan/podinfo:dev-kb9lm91e (glob:dev-*)'),
    ).toBeInTheDocument();
    const adm = screen.getByText('stefanprodan/podinfo:1.0.0');
    // dev comes first: pipeline order, not alphabetical
    expect(
      screen
        .getByText('stefanprodan/podinfo:dev-kb9lm91e (glob:dev-*)')
        .compareDocumentPosition(adm),
    ).toBe(Node.DOCUMENT_POSITION_FOLLOWING);
    expect(screen.getByText('manual')).toBeInTheDocument();
    expect(screen.getByText('automated')).toBeInTheDocument();
    expect(screen.getAllByText('podinfo 0.2.0')).toHaveLength(2);
    expect(screen.getByText('dev/podinfo-dev')).toBeInTheDocument();
    expect(
      screen.getByText(/dev dev\/podinfo-dev changed at abcdef01, "Auto-release stefanprodan\/podinfo:dev-kb9lm91e" by Flux/),
    ).toBeInTheDocument();
  });

  it('shows where git sync failed: file and line', async () => {
    await renderCard({
      listReleases: async () => ({
        items: [podinfoRelease('dev', 'dev-1', 'glob:dev-*')],
        problems: [
          {
            repository: 'config',
            environment: 'dev',
            path: 'releases/dev/broken.yaml',
            line: 7,
            message: 'Nested mappings are not allowed',
            at: '2026-11-25T10:00:00.000Z',
          },
        ],
      }),
      listEvents: noEvents,
      listEnvironments,
    });
    expect(
      await screen.findByText(
        'releases/dev/broken.yaml:7 (dev): Nested mappings are not allowed',
      ),
    ).toBeInTheDocument();
  });

  it('tells when the registry offers a newer allowed tag, or cannot be read', async () => {
    const prod = podinfoRelease('prod', '0.4.10', 'semver:~0.4');
    prod.images[0].status = {
      latestTag: '0.4.11',
      reason: 'highest version in ~0.4',
      checkedAt: '2026-11-25T10:00:00.000Z',
    };
    const dev = podinfoRelease('dev', 'dev-1', 'glob:dev-*');
    dev.images[0].status = {
      error: 'registry 127.0.0.1:5000 unreachable: connection refused',
      checkedAt: '2026-11-25T10:00:00.000Z',
    };
    await renderCard({
      listReleases: async () => ({ items: [dev, prod], problems: [] }),
      listEvents: noEvents,
      listEnvironments,
    });
    expect(await screen.findByText('update available: 0.4.11')).toBeInTheDocument();
    expect(
      screen.getByText('registry: registry 127.0.0.1:5000 unreachable: connection refused'),
    ).toBeInTheDocument();
  });

  it('shows what the cluster runs: state, reason, revision and Helm history', async () => {
    const dev = podinfoRelease('dev', 'dev-1', 'glob:dev-*', {
      status: {
        cluster: 'demo',
        state: 'Synced',
        reason: 'deployed podinfo-0.2.1 revision 3',
        differences: [],
        revision: 3,
        chartVersion: '0.2.1',
        deployedAt: '2026-11-25T10:59:00.000Z',
        checkedAt: '2026-11-25T11:00:00.000Z',
      },
    });
    const prod = podinfoRelease('prod', '0.4.10', 'semver:~0.4', {
      status: {
        cluster: 'demo',
        state: 'Drifted',
        reason: 'values differ: replicaCount',
        differences: [{ path: 'values.replicaCount', desired: 1, live: 5 }],
        checkedAt: '2026-11-25T11:00:00.000Z',
        stale: { error: 'cluster unreachable (ECONNREFUSED)', at: '2026-11-25T11:05:00.000Z' },
      },
    });
    const getHelmHistory = jest.fn(async ({ environment }: { environment: string }) => ({
      cluster: 'demo',
      items:
        environment === 'dev'
          ? [
              { revision: 3, status: 'deployed', chartVersion: '0.2.1' },
              { revision: 2, status: 'superseded', chartVersion: '0.2.0' },
            ]
          : [],
    }));
    await renderCard({
      listReleases: async () => ({
        items: [dev, prod, podinfoRelease('adm', '1.0.0', 'glob:*')],
        problems: [],
      }),
      listEvents: noEvents,
      listEnvironments,
      getHelmHistory,
    });
    expect(await screen.findByText('Synced, revision 3')).toBeInTheDocument();
    expect(screen.getByText('deployed podinfo-0.2.1 revision 3')).toBeInTheDocument();
    expect(
      screen.getByText('Helm history: 3 deployed 0.2.1, 2 superseded 0.2.0'),
    ).toBeInTheDocument();
    expect(screen.getByText('Stale: Drifted')).toBeInTheDocument();
    expect(screen.getByText(/cluster unreachable \(ECONNREFUSED\)/)).toBeInTheDocument();
    expect(screen.getByText('not reconciled yet')).toBeInTheDocument();
    // Only releases with a status have a history to read.
    expect(getHelmHistory).toHaveBeenCalledTimes(2);
  });

  it('shows the error when the backend fails', async () => {
    await renderCard({
      listReleases: async () => {
        throw new Error('forbidden by policy');
      },
      listEvents: noEvents,
      listEnvironments,
    });
    expect(
      await screen.findByText('Error: forbidden by policy'),
    ).toBeInTheDocument();
  });
});
