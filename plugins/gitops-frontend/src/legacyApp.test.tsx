import { screen, within } from '@testing-library/react';
import { useApp } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityGitopsEnvironmentsCard,
  EntityGitopsReleasesCard,
  gitopsApiRef,
  gitopsPlugin,
} from './index';
import { podinfoEntity, podinfoPipeline } from './components/testEntities';
import { baseUrl, setupFakeBackend } from './components/testUtils';

const backend = setupFakeBackend();

/**
 * The gitops API as the legacy plugin builds it for an app: from its own
 * factory, with discovery pointing at the fake backend.
 */
function gitopsApiOfThePlugin() {
  const factory = [...gitopsPlugin.getApis()].find(
    f => f.api.id === gitopsApiRef.id,
  );
  if (!factory) throw new Error('the legacy plugin provides no gitops API');
  return factory.factory({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  }) as typeof gitopsApiRef.T;
}

/** The plugins the legacy app found in its element tree. */
const AppPlugins = () => (
  <span data-testid="app-plugins">
    {useApp()
      .getPlugins()
      .map(p => p.getId())
      .join(',')}
  </span>
);

/** An adopter's entity page: both cards of the legacy exports, side by side. */
function renderEntityPage() {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, gitopsApiOfThePlugin()],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={podinfoEntity}>
        <AppPlugins />
        <EntityGitopsReleasesCard />
        <EntityGitopsEnvironmentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('the legacy frontend system', () => {
  it('renders both cards of the legacy exports on an entity page, filled from the backend', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    backend.current.releases = [prod, stg, dev];
    await renderEntityPage();

    // The app found the plugin through its cards, as it does to register
    // the plugin's API in an adopter's app.
    expect(screen.getByTestId('app-plugins').textContent?.split(',')).toContain(
      'gitops',
    );

    // The releases card: a row per environment, in pipeline order.
    expect(await screen.findByText('GitOps releases')).toBeInTheDocument();
    await screen.findByTestId('release-dev');
    expect(
      screen.getAllByTestId(/^release-/).map(r => r.dataset.testid),
    ).toEqual(['release-dev', 'release-stg', 'release-prod']);
    for (const environment of ['dev', 'stg', 'prod']) {
      const row = within(screen.getByTestId(`release-${environment}`));
      expect(row.getByText(`podinfo-${environment}`)).toBeInTheDocument();
      expect(
        row.getByText(`namespace ${environment}, cluster demo`),
      ).toBeInTheDocument();
    }

    // The environments card: a stage per environment with the tag it runs.
    expect(screen.getByText('GitOps environments')).toBeInTheDocument();
    await screen.findByTestId('stage-dev');
    for (const [environment, tag] of [
      ['dev', 'dev-mww931xk'],
      ['stg', 'stg-9ij63o4c'],
      ['prod', '0.4.10'],
    ]) {
      const stage = within(screen.getByTestId(`stage-${environment}`));
      expect(stage.getByText(environment)).toBeInTheDocument();
      expect(stage.getByText(tag)).toBeInTheDocument();
    }
    expect(
      screen.getByRole('button', { name: 'Promote to stg' }),
    ).toBeVisible();

    // Both cards read through the plugin's client.
    expect(backend.current.count('GET', '/releases')).toBeGreaterThan(0);
    expect(backend.current.count('GET', '/environments')).toBeGreaterThan(0);
  });
});
