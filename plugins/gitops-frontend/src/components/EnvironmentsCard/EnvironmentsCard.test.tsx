import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GitopsApi, gitopsApiRef } from '../../api';
import { podinfoEntity, podinfoRelease } from '../testEntities';
import { EnvironmentsCard } from './EnvironmentsCard';

function renderCard(api: Partial<GitopsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <EntityProvider entity={podinfoEntity}>
        <EnvironmentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const noReleases = async () => ({ items: [], problems: [] });

describe('EnvironmentsCard', () => {
  it('says that nothing was synced when the store has no environments', async () => {
    await renderCard({
      listEnvironments: async () => ({ items: [] }),
      listReleases: noReleases,
    });
    expect(
      await screen.findByText('No environments synced yet'),
    ).toBeInTheDocument();
  });

  it('shows each stage in pipeline order with the tag and policy it runs', async () => {
    const prodRelease = podinfoRelease('prod', '0.4.10', 'semver:~0.4');
    prodRelease.images[0].status = { latestTag: '0.4.11', checkedAt: '2026-11-25T10:00:00.000Z' };
    const listReleases = jest.fn(async () => ({
      items: [prodRelease, podinfoRelease('dev', 'dev-kb9lm91e', 'glob:dev-*', { locked: true })],
      problems: [],
    }));
    await renderCard({
      listEnvironments: async () => ({
        items: [
          { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
          { name: 'stg', repository: 'config', path: 'releases/stg', order: 2 },
          { name: 'prod', repository: 'config', path: 'releases/prod', cluster: 'demo', order: 3 },
        ],
      }),
      listReleases,
    });
    const dev = await screen.findByText('dev-kb9lm91e');
    const prod = screen.getByText('0.4.10');
    expect(dev.compareDocumentPosition(prod)).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
    expect(screen.getByText('glob:dev-* (locked)')).toBeInTheDocument();
    expect(screen.getByText('semver:~0.4')).toBeInTheDocument();
    // what the registry offers next to what git holds
    expect(screen.getByText('0.4.11')).toBeInTheDocument();
    expect(listReleases).toHaveBeenCalledWith('component:default/podinfo');
  });

  it('shows what went wrong when the backend fails', async () => {
    await renderCard({
      listEnvironments: async () => {
        throw new Error('backend unreachable');
      },
      listReleases: noReleases,
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });
});
