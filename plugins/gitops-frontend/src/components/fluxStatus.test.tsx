import { fireEvent, screen, within } from '@testing-library/react';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { ReleasesCard } from './ReleasesCard';
import { podinfoPipeline } from './testEntities';
import { minutesAgo, pipeline, setupCardTest } from './testUtils';
import { EnvironmentsCard } from './EnvironmentsCard';

const GIT = '51fb1f6f00000000000000000000000000000000';
const OLDER = '0f4c2e1d00000000000000000000000000000000';

function withFlux(
  name: string,
  fluxStatus: GitopsEnvironment['fluxStatus'],
): GitopsEnvironment[] {
  return pipeline.map(env =>
    env.name === name ? { ...env, fluxStatus } : env,
  );
}

const kustomization = (
  appliedCommit: string,
  extra: Record<string, unknown> = {},
) => ({
  namespace: 'flux-system',
  name: 'apps',
  lastAppliedRevision: `main@sha1:${appliedCommit}`,
  appliedCommit,
  suspended: false,
  ready: {
    type: 'Ready',
    status: 'True' as const,
    reason: 'ReconciliationSucceeded',
  },
  ...extra,
});

describe('EnvironmentsCard: what Flux applied', () => {
  const shared = setupCardTest(<EnvironmentsCard />, '/environments');
  const { backend, renderCard } = shared;
  const flux = async (stage: string) =>
    within(await screen.findByTestId(`stage-${stage}`)).getByTestId(
      'stage-flux-status',
    );

  beforeEach(() => {
    backend.current.releases = podinfoPipeline();
  });

  it('shows git against what the cluster applied, and nothing for stages Flux does not apply', async () => {
    backend.current.environments = withFlux('prod', {
      cluster: 'demo',
      gitCommit: GIT,
      kustomization: kustomization(OLDER),
      observedAt: minutesAgo(1),
    });
    await renderCard();
    expect(await flux('prod')).toHaveTextContent(
      /^git at 51fb1f6, cluster applied 0f4c2e1$/,
    );
    expect(
      within(screen.getByTestId('stage-dev')).queryByTestId(
        'stage-flux-status',
      ),
    ).not.toBeInTheDocument();
  });

  it('says in sync when the cluster applied the synced commit', async () => {
    backend.current.environments = withFlux('stg', {
      cluster: 'demo',
      gitCommit: GIT,
      kustomization: kustomization(GIT),
      observedAt: minutesAgo(1),
    });
    await renderCard();
    expect(await flux('stg')).toHaveTextContent(
      'git at 51fb1f6, cluster applied 51fb1f6; in sync',
    );
  });

  it('says suspended, and why the Kustomization is not ready', async () => {
    backend.current.environments = withFlux('prod', {
      cluster: 'demo',
      gitCommit: GIT,
      kustomization: kustomization(OLDER, {
        suspended: true,
        ready: {
          type: 'Ready',
          status: 'False',
          reason: 'BuildFailed',
          message: 'kustomization path not found',
        },
      }),
      observedAt: minutesAgo(1),
    });
    await renderCard();
    expect(await flux('prod')).toHaveTextContent(
      'git at 51fb1f6, cluster applied 0f4c2e1; suspended; BuildFailed: kustomization path not found',
    );
  });

  it('says when the cluster does not serve Flux kustomize API', async () => {
    backend.current.environments = withFlux('prod', {
      cluster: 'demo',
      problem: 'Flux kustomize API not served',
      observedAt: minutesAgo(1),
    });
    await renderCard();
    expect(await flux('prod')).toHaveTextContent(
      'Flux kustomize API not served',
    );
  });
});

describe('ReleasesCard: a suspended v2 HelmRelease', () => {
  const shared = setupCardTest(<ReleasesCard />, '/releases');
  const { backend, renderCard } = shared;

  it('shows Suspended next to its state', async () => {
    const [dev, stg, prod] = podinfoPipeline();
    prod.status = {
      ...prod.status!,
      flux: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        suspended: true,
        conditions: [],
        attemptDiffers: false,
      },
    };
    backend.current.releases = [dev, stg, prod];
    await renderCard();
    expect(await screen.findByText('Suspended')).toBeInTheDocument();
  });

  it('opens into what helm-controller says: failed conditions, the remediation, the attempt', async () => {
    const [dev] = podinfoPipeline();
    dev.status = {
      ...dev.status!,
      state: 'Failed',
      flux: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        suspended: false,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'UpgradeFailed',
            message: 'timed out',
          },
          { type: 'Released', status: 'True', reason: 'UpgradeSucceeded' },
          { type: 'Remediated', status: 'True', reason: 'RollbackSucceeded' },
          {
            type: 'TestSuccess',
            status: 'False',
            reason: 'TestFailed',
            message: 'grpc test failed',
          },
        ],
        lastAttemptedRevision: '6.5.4',
        lastAppliedRevision: '6.5.3',
        attemptDiffers: true,
        historyFromStatus: true,
      },
    };
    backend.current.releases = [dev];
    await renderCard();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Show history of dev' }),
    );
    expect(await screen.findByText('What Flux says')).toBeInTheDocument();
    expect(
      screen.getByText('Ready False: UpgradeFailed: timed out'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Remediated True: RollbackSucceeded'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('TestSuccess False: TestFailed: grpc test failed'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('last attempted 6.5.4, applied 6.5.3'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^Released/)).not.toBeInTheDocument();
    expect(
      screen.getByText(/from the HelmRelease's status\.history/),
    ).toBeInTheDocument();
  });
});
