import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GitopsApi, gitopsApiRef } from '../../api';
import { ReleasesCard } from './ReleasesCard';

const podinfo: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    annotations: {
      'gitops.backstage.io/helm-chart': 'podinfo',
      'backstage.io/source-location': 'url:https://example.com/podinfo',
    },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

function renderCard(api: Partial<GitopsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <EntityProvider entity={podinfo}>
        <ReleasesCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('ReleasesCard', () => {
  it('names the annotations that link the entity, and only those', async () => {
    await renderCard({ listEnvironments: async () => ({ items: [] }) });
    expect(
      await screen.findByText('Linked by gitops.backstage.io/helm-chart: podinfo'),
    ).toBeInTheDocument();
  });

  it('says that no config repository was synced yet', async () => {
    await renderCard({ listEnvironments: async () => ({ items: [] }) });
    expect(
      await screen.findByText('No releases of podinfo recorded yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No config repository has been synced/),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderCard({
      listEnvironments: async () => {
        throw new Error('forbidden by policy');
      },
    });
    expect(await screen.findByText('Error: forbidden by policy')).toBeInTheDocument();
  });
});
