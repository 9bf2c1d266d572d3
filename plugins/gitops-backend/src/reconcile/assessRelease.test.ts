import { HelmRevision } from '../cluster/helm';
import { assessRelease } from './assessRelease';
import { AssessReleaseInput } from './types';
import {
  podinfoDevDesired,
  podinfoDevHistory,
  podinfoDevLive,
  podinfoProdDesired,
  podinfoProdHistory,
  podinfoProdLive,
  readyWhileReconciling,
} from './__testUtils__/releaseFixtures';

const GRACE_MS = 2 * 60 * 1000;
// Four minutes after the seed's revision 3 was deployed.
const devNow = new Date('2020-03-11T10:09:47.901Z');
const prodNow = new Date('2024-05-06T10:00:00.000Z');

function devInput(
  overrides: Partial<AssessReleaseInput> = {},
): AssessReleaseInput {
  const desired = podinfoDevDesired();
  return {
    desired,
    live: podinfoDevLive(desired),
    history: podinfoDevHistory(),
    now: devNow,
    gracePeriodMs: GRACE_MS,
    ...overrides,
  };
}

function prodInput(
  overrides: Partial<AssessReleaseInput> = {},
): AssessReleaseInput {
  const desired = podinfoProdDesired();
  return {
    desired,
    live: podinfoProdLive(desired),
    history: podinfoProdHistory(),
    now: prodNow,
    gracePeriodMs: GRACE_MS,
    ...overrides,
  };
}

function ago(now: Date, ms: number): string {
  return new Date(now.getTime() - ms).toISOString();
}

function devRevision(revision: Partial<HelmRevision>): HelmRevision {
  return { ...podinfoDevHistory()[2], ...revision };
}

describe('assessRelease', () => {
  describe('Synced', () => {
    it("is the seed's podinfo-dev after the chart bump (v1)", () => {
      expect(assessRelease(devInput())).toEqual({
        state: 'Synced',
        reason: 'deployed podinfo-0.2.1 revision 3',
        differences: [],
        revision: 3,
        chartVersion: '0.2.1',
        deployedAt: '2020-03-11T10:05:47.901Z',
        since: '2020-03-11T10:05:47.901Z',
      });
    });

    it('is a v2 release whose version range allows the deployed chart', () => {
      expect(assessRelease(prodInput())).toMatchObject({
        state: 'Synced',
        reason: 'deployed podinfo-6.5.4 revision 4',
        revision: 4,
        chartVersion: '6.5.4',
      });
    });

    it('stays Synced while helm-controller runs a routine reconcile', () => {
      const desired = podinfoProdDesired();
      const live = podinfoProdLive(
        desired,
        readyWhileReconciling('Running reconcile'),
      );
      expect(assessRelease(prodInput({ live })).state).toBe('Synced');
    });
  });

  describe('Missing', () => {
    it('when no HelmRelease is in the cluster, even right after an apply', () => {
      expect(
        assessRelease(
          devInput({
            live: undefined,
            history: [],
            appliedAt: ago(devNow, 1000),
          }),
        ),
      ).toEqual({
        state: 'Missing',
        reason: 'HelmRelease not in cluster',
        differences: [],
      });
    });

    it('says so when Helm still has the release', () => {
      expect(assessRelease(devInput({ live: undefined }))).toMatchObject({
        state: 'Missing',
        reason:
          'HelmRelease not in cluster; Helm still has podinfo-dev revision 3 (deployed)',
        revision: 3,
      });
    });

    it('when Helm has no revision once the grace period is over', () => {
      expect(
        assessRelease(
          devInput({ history: [], appliedAt: ago(devNow, GRACE_MS + 1000) }),
        ),
      ).toEqual({
        state: 'Missing',
        reason:
          'HelmRelease is in the cluster but Helm has no release podinfo-dev',
        differences: [],
      });
      expect(assessRelease(devInput({ history: [] })).state).toBe('Missing');
    });

    it('when the newest revision is uninstalled', () => {
      const history = [
        ...podinfoDevHistory().slice(0, 2),
        devRevision({
          status: 'uninstalled',
          description: 'Uninstallation complete',
        }),
      ];
      expect(assessRelease(devInput({ history }))).toMatchObject({
        state: 'Missing',
        reason: 'Helm release podinfo-dev was uninstalled (revision 3)',
      });
    });
  });

  describe('Progressing', () => {
    it('while Helm has no revision within the grace period', () => {
      expect(
        assessRelease(
          devInput({ history: [], appliedAt: ago(devNow, 30_000) }),
        ),
      ).toEqual({
        state: 'Progressing',
        reason:
          'applied 30 seconds ago; waiting for Helm to install podinfo-dev',
        differences: [],
        since: ago(devNow, 30_000),
      });
    });

    it('while the newest revision is pending', () => {
      const started = ago(devNow, 2 * 60_000);
      const history = [
        ...podinfoDevHistory(),
        devRevision({
          revision: 4,
          status: 'pending-upgrade',
          chartVersion: '0.2.2',
          lastDeployed: started,
        }),
      ];
      expect(assessRelease(devInput({ history }))).toMatchObject({
        state: 'Progressing',
        reason:
          'pending-upgrade of podinfo-0.2.2 revision 4, started 2 minutes ago',
        revision: 4,
        since: started,
      });
    });

    it('says a pending operation is stuck after ten minutes, whatever the operator says', () => {
      const desired = podinfoProdDesired();
      const live = podinfoProdLive(desired, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'UpgradeFailed',
          message:
            'Helm upgrade failed: another operation (install/upgrade/rollback) is in progress',
        },
      ]);
      const history = [
        ...podinfoProdHistory(),
        {
          ...podinfoProdHistory()[1],
          revision: 5,
          status: 'pending-upgrade' as const,
          chartVersion: '6.5.5',
          lastDeployed: ago(prodNow, 12 * 60_000 + 5_000),
        },
      ];
      expect(assessRelease(prodInput({ live, history }))).toMatchObject({
        state: 'Progressing',
        reason:
          'pending-upgrade for 12 minutes: another operation is in progress; reconcile to unblock',
        revision: 5,
      });
    });

    it('takes the stuck threshold it is given', () => {
      const history = [
        devRevision({
          revision: 1,
          status: 'pending-install',
          lastDeployed: ago(devNow, 90_000),
        }),
      ];
      expect(
        assessRelease(devInput({ history, stuckAfterMs: 60_000 })).reason,
      ).toBe(
        'pending-install for 1 minute: another operation is in progress; reconcile to unblock',
      );
    });

    it('while the operator has not seen the newest generation, over a stale failure', () => {
      const desired = podinfoDevDesired();
      const live = podinfoDevLive(
        desired,
        { phase: 'DeployFailed', observedGeneration: 2 },
        3,
      );
      expect(
        assessRelease(devInput({ live, appliedAt: ago(devNow, 5 * 60_000) })),
      ).toMatchObject({
        state: 'Progressing',
        reason:
          'waiting for the operator to act on generation 3 (it last handled 2)',
        since: ago(devNow, 5 * 60_000),
      });
    });

    it('asks whether the operator runs when a generation waits too long', () => {
      const desired = podinfoProdDesired();
      const live = podinfoProdLive(desired, undefined, {
        generation: 5,
        observed: 4,
      });
      expect(
        assessRelease(prodInput({ live, appliedAt: ago(prodNow, 15 * 60_000) }))
          .reason,
      ).toBe(
        'the operator has not acted on generation 5 in 15 minutes (it last handled 4); check that it is running',
      );
    });

    it('when git and the cluster differ within the grace period after an apply', () => {
      const desired = podinfoDevDesired();
      const live = podinfoDevLive(desired);
      const history = podinfoDevHistory()
        .slice(0, 2)
        .map((r, i) => (i === 1 ? { ...r, status: 'deployed' as const } : r));
      expect(
        assessRelease(
          devInput({ live, history, appliedAt: ago(devNow, 40_000) }),
        ),
      ).toMatchObject({
        state: 'Progressing',
        reason:
          'applied 40 seconds ago; waiting for the operator: chart version 0.2.0 deployed, git says 0.2.1',
        differences: [
          { path: 'chart.version', desired: '0.2.1', live: '0.2.0' },
        ],
        revision: 2,
      });
    });

    it('when they differ while the operator reports work under way', () => {
      const desired = podinfoProdDesired({ replicaCount: 3 });
      const live = podinfoProdLive(desired, [
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'Progressing',
          message: 'Running upgrade action',
        },
        {
          type: 'Reconciling',
          status: 'True',
          reason: 'Progressing',
          message: 'Running upgrade action',
        },
      ]);
      expect(assessRelease(prodInput({ desired, live }))).toMatchObject({
        state: 'Progressing',
        reason:
          'Progressing: Running upgrade action; values differ at replicaCount: 2 in cluster, 3 in git',
      });
    });

    it('when a v2 release waits on a dependency', () => {
      const desired = podinfoProdDesired({ replicaCount: 3 });
      const live = podinfoProdLive(desired, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'DependencyNotReady',
          message: "dependency 'prod/redis' is not ready",
        },
      ]);
      expect(assessRelease(prodInput({ desired, live })).state).toBe(
        'Progressing',
      );
    });
  });

  describe('Failed', () => {
    it("when Helm's newest revision failed, quoting Helm and the operator (v1)", () => {
      const desired = podinfoDevDesired();
      const live = podinfoDevLive(desired, {
        phase: 'DeployFailed',
        releaseStatus: 'failed',
        conditions: [
          {
            type: 'Released',
            status: 'False',
            lastTransitionTime: '2020-03-11T10:08:00Z',
            message: "Upgrade failed for Helm release 'podinfo-dev' in 'dev'.",
          },
        ],
      });
      const history = [
        ...podinfoDevHistory(),
        devRevision({
          revision: 4,
          status: 'failed',
          chartVersion: '0.2.1',
          description:
            'Upgrade "podinfo-dev" failed: timed out waiting for the condition',
          lastDeployed: '2020-03-11T10:07:00.000Z',
        }),
      ];
      expect(assessRelease(devInput({ live, history }))).toEqual({
        state: 'Failed',
        reason:
          "failed podinfo-0.2.1 revision 4: Upgrade \"podinfo-dev\" failed: timed out waiting for the condition; DeployFailed: Upgrade failed for Helm release 'podinfo-dev' in 'dev'.",
        differences: [],
        revision: 4,
        chartVersion: '0.2.1',
        deployedAt: '2020-03-11T10:07:00.000Z',
        since: '2020-03-11T10:07:00.000Z',
      });
    });

    it('when the v1 chart cannot be fetched, before Helm has any revision', () => {
      const desired = podinfoDevDesired();
      const live = podinfoDevLive(desired, {
        phase: 'ChartFetchFailed',
        conditions: [
          {
            type: 'ChartFetched',
            status: 'False',
            lastTransitionTime: '2020-03-11T10:01:00Z',
            message:
              "Chart fetch failed for Helm release 'podinfo-dev' in 'dev'.",
          },
        ],
      });
      expect(assessRelease(devInput({ live, history: [] }))).toEqual({
        state: 'Failed',
        reason:
          "ChartFetchFailed: Chart fetch failed for Helm release 'podinfo-dev' in 'dev'.",
        differences: [],
        since: '2020-03-11T10:01:00Z',
      });
    });

    it('when v2 remediated a failed upgrade by rolling back', () => {
      const desired = podinfoProdDesired({ replicaCount: 2 }, '6.6.0');
      const live = podinfoProdLive(desired, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'RollbackSucceeded',
          message:
            'Helm rollback to previous release prod/podinfo.v4 with chart podinfo@6.5.4 succeeded',
        },
        {
          type: 'Released',
          status: 'False',
          reason: 'UpgradeFailed',
          message:
            'Helm upgrade failed for release prod/podinfo with chart podinfo@6.6.0: context deadline exceeded',
        },
      ]);
      const [, four] = podinfoProdHistory();
      const history = [
        { ...four, status: 'superseded' as const },
        {
          ...four,
          revision: 5,
          status: 'superseded' as const,
          chartVersion: '6.6.0',
          description: 'Upgrade "podinfo" failed: context deadline exceeded',
        },
        {
          ...four,
          revision: 6,
          status: 'deployed' as const,
          description: 'Rollback to 4',
          lastDeployed: '2024-05-06T09:50:00.000Z',
        },
      ];
      expect(
        assessRelease(prodInput({ desired, live, history })),
      ).toMatchObject({
        state: 'Failed',
        reason:
          'RollbackSucceeded: Helm rollback to previous release prod/podinfo.v4 with chart podinfo@6.5.4 succeeded',
        differences: [
          { path: 'chart.version', desired: '6.6.0', live: '6.5.4' },
        ],
        revision: 6,
      });
    });

    it('when v2 stalled', () => {
      const live = podinfoProdLive(podinfoProdDesired(), [
        {
          type: 'Ready',
          status: 'False',
          reason: 'InstallFailed',
          message: 'install retries exhausted',
        },
        {
          type: 'Stalled',
          status: 'True',
          reason: 'RetriesExceeded',
          message: 'Failed to install after 1 attempt(s)',
        },
      ]);
      expect(assessRelease(prodInput({ live }))).toMatchObject({
        state: 'Failed',
        reason: 'RetriesExceeded: Failed to install after 1 attempt(s)',
      });
    });
  });

  describe('Drifted', () => {
    it('when the deployed chart version is not git’s after the grace period', () => {
      const history = podinfoDevHistory().slice(0, 2);
      const appliedAt = ago(devNow, 3 * 60_000);
      expect(assessRelease(devInput({ history, appliedAt }))).toEqual({
        state: 'Drifted',
        reason: 'chart version 0.2.0 deployed, git says 0.2.1',
        differences: [
          { path: 'chart.version', desired: '0.2.1', live: '0.2.0' },
        ],
        revision: 2,
        chartVersion: '0.2.0',
        deployedAt: '2020-03-11T09:51:02.038Z',
        since: appliedAt,
      });
    });

    it('when a v2 chart is outside the range git asks for', () => {
      const desired = podinfoProdDesired({ replicaCount: 2 }, '7.x');
      expect(
        assessRelease(prodInput({ desired, live: podinfoProdLive(desired) })),
      ).toMatchObject({
        state: 'Drifted',
        reason: 'chart version 6.5.4 deployed, git asks for 7.x',
      });
    });

    it('when someone upgraded the release by hand with other values', () => {
      const history = [
        ...podinfoDevHistory(),
        devRevision({
          revision: 4,
          values: {
            ...podinfoDevHistory()[2].values,
            replicaCount: 1,
            debug: true,
          },
          lastDeployed: '2020-03-11T10:08:00.000Z',
        }),
      ];
      const desired = podinfoDevDesired({
        image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
        replicaCount: 2,
      });
      const assessment = assessRelease(
        devInput({
          desired,
          live: podinfoDevLive(desired),
          history,
          appliedAt: '2020-03-11T10:00:00.000Z',
        }),
      );
      expect(assessment).toMatchObject({
        state: 'Drifted',
        // A key git does not set may hold anything: it differs, unshown.
        reason:
          'values differ at debug: not shown (git holds no plain value there) in cluster, absent in git (and 1 more)',
        differences: [
          {
            path: 'values.debug',
            withheld: { sides: ['live'], reason: 'not-in-git' },
          },
          { path: 'values.replicaCount', desired: 2, live: 1 },
        ],
        since: '2020-03-11T10:08:00.000Z',
      });
      expect(assessment.differences[0]).not.toHaveProperty('live');
    });

    it('when the HelmRelease was edited in the cluster, saying exactly where', () => {
      const desired = podinfoDevDesired();
      const live = podinfoDevLive(desired);
      (live.spec!.values as { replicaCount: number }).replicaCount = 3;
      const history = [
        ...podinfoDevHistory(),
        devRevision({
          revision: 4,
          values: { ...podinfoDevHistory()[2].values, replicaCount: 3 },
        }),
      ];
      const assessment = assessRelease(devInput({ live, history }));
      expect(assessment.state).toBe('Drifted');
      expect(assessment.reason).toBe(
        'values differ at replicaCount: 3 in cluster, 1 in git; HelmRelease in cluster differs at spec.values.replicaCount: 3 in cluster, 1 in git',
      );
      expect(assessment.differences).toEqual([
        { path: 'values.replicaCount', desired: 1, live: 3 },
        { path: 'spec.values.replicaCount', desired: 1, live: 3 },
      ]);
    });

    it('when only a spec field git sets differs (v2)', () => {
      const desired = podinfoProdDesired();
      const live = podinfoProdLive(desired);
      live.spec!.interval = '1h';
      expect(assessRelease(prodInput({ live }))).toMatchObject({
        state: 'Drifted',
        reason:
          'HelmRelease in cluster differs at spec.interval: "1h" in cluster, "10m" in git',
        differences: [{ path: 'spec.interval', desired: '10m', live: '1h' }],
      });
    });

    it('ignores an unreadable appliedAt rather than granting grace', () => {
      const history = podinfoDevHistory().slice(0, 2);
      expect(
        assessRelease(devInput({ history, appliedAt: 'yesterday' })).state,
      ).toBe('Drifted');
    });
  });
});
