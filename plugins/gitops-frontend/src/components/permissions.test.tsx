import { screen, waitFor, within } from '@testing-library/react';
import { mockApis } from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EnvironmentsCard } from './EnvironmentsCard';
import { ReleasesCard } from './ReleasesCard';
import { podinfoEntity, podinfoPipeline } from './testEntities';
import { renderWithBackend, setupFakeBackend } from './testUtils';

// usePermission caches decisions by request across renders in a test file,
// so each test here asks about a different entity, and the one request
// without a resource (sync) is denied throughout.
const backend = setupFakeBackend();

function entityNamed(name: string) {
  return { ...podinfoEntity, metadata: { ...podinfoEntity.metadata, name } };
}

describe('gitops card actions under a permission policy', () => {
  it('disables every action the policy denies', async () => {
    backend.current.releases = podinfoPipeline();
    const asked: { permission: string; resourceRef?: string }[] = [];
    await renderWithBackend(
      <>
        <ReleasesCard />
        <EnvironmentsCard />
      </>,
      {
        entity: entityNamed('denied'),
        permissionApi: mockApis.permission({
          authorize: request => {
            asked.push({
              permission: request.permission.name,
              resourceRef: (request as { resourceRef?: string }).resourceRef,
            });
            return AuthorizeResult.DENY;
          },
        }),
      },
    );
    await screen.findByTestId('stage-prod');
    await waitFor(() => expect(asked.length).toBeGreaterThanOrEqual(9));

    for (const name of [
      'Sync now',
      'Reconcile dev',
      'Reconcile prod',
      'Promote to stg',
      'Promote to prod',
      'Lock dev',
      'Lock stg',
    ]) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
    expect(
      screen.getByRole('button', { name: 'Promote to stg' }).parentElement,
    ).toHaveAttribute('title', 'You may not promote to stg');
    expect(asked).toContainEqual({
      permission: 'gitops.sync',
      resourceRef: undefined,
    });
    expect(asked).toContainEqual({
      permission: 'gitops.release.promote',
      resourceRef: 'stg/stg/podinfo-stg@component:default/denied',
    });
    expect(asked).toContainEqual({
      permission: 'gitops.release.automation.update',
      resourceRef: 'dev/dev/podinfo-dev@component:default/denied',
    });
    expect(asked).toContainEqual({
      permission: 'gitops.release.reconcile',
      resourceRef: 'prod/prod/podinfo-prod@component:default/denied',
    });
  });

  it('decides per release: what is allowed in stg stays denied in prod', async () => {
    backend.current.releases = podinfoPipeline();
    await renderWithBackend(
      <>
        <ReleasesCard />
        <EnvironmentsCard />
      </>,
      {
        entity: entityNamed('mixed'),
        permissionApi: mockApis.permission({
          authorize: request =>
            (request as { resourceRef?: string }).resourceRef?.startsWith(
              'stg/',
            )
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }),
      },
    );
    await screen.findByTestId('stage-prod');
    const stg = within(screen.getByTestId('stage-stg'));
    const prod = within(screen.getByTestId('stage-prod'));
    await waitFor(() =>
      expect(stg.getByRole('button', { name: 'Promote to stg' })).toBeEnabled(),
    );
    expect(stg.getByRole('button', { name: 'Lock stg' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Reconcile stg' })).toBeEnabled();
    expect(
      prod.getByRole('button', { name: 'Promote to prod' }),
    ).toBeDisabled();
    expect(prod.getByRole('button', { name: 'Lock prod' })).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Reconcile prod' }),
    ).toBeDisabled();
  });
});
