import { readOperatorStatus } from './operatorStatus';
import {
  podinfoDevDesired,
  podinfoDevLive,
  podinfoProdDesired,
  podinfoProdLive,
  readyWhileReconciling,
} from './__testUtils__/releaseFixtures';

describe('readOperatorStatus', () => {
  describe('Helm Operator v1', () => {
    const desired = podinfoDevDesired();

    it('reads the generations and sees nothing wrong after a release', () => {
      expect(readOperatorStatus(podinfoDevLive(desired))).toEqual({
        generation: 2,
        observedGeneration: 2,
      });
    });

    it.each([
      'ChartFetchFailed',
      'DeployFailed',
      'TestFailed',
      'Failed',
      'RollbackFailed',
      'RolledBack',
    ])('reports phase %s as a failure', phase => {
      const status = readOperatorStatus(podinfoDevLive(desired, { phase }));
      expect(status.failure?.message).toMatch(new RegExp(`^${phase}`));
      expect(status.working).toBeUndefined();
    });

    it("quotes the newest False condition's message", () => {
      const live = podinfoDevLive(desired, {
        phase: 'DeployFailed',
        conditions: [
          {
            type: 'ChartFetched',
            status: 'False',
            lastTransitionTime: '2020-03-11T09:00:00Z',
            message: 'old chart fetch problem',
          },
          {
            type: 'Released',
            status: 'False',
            lastTransitionTime: '2020-03-11T10:10:00Z',
            message: "Upgrade failed for Helm release 'podinfo-dev' in 'dev'.",
          },
        ],
      });
      expect(readOperatorStatus(live).failure).toEqual({
        message:
          "DeployFailed: Upgrade failed for Helm release 'podinfo-dev' in 'dev'.",
        since: '2020-03-11T10:10:00Z',
      });
    });

    it.each(['Installing', 'Upgrading', 'Testing', 'RollingBack'])(
      'reports phase %s as work under way',
      phase => {
        expect(
          readOperatorStatus(podinfoDevLive(desired, { phase })).working,
        ).toEqual({
          message: `phase ${phase}`,
        });
      },
    );

    it.each(['Succeeded', 'Deployed', 'Tested', 'ChartFetched'])(
      'is content with phase %s',
      phase => {
        const status = readOperatorStatus(podinfoDevLive(desired, { phase }));
        expect(status.failure).toBeUndefined();
        expect(status.working).toBeUndefined();
      },
    );
  });

  describe('helm-controller v2', () => {
    const desired = podinfoProdDesired();

    it('sees nothing wrong when Ready is True', () => {
      expect(readOperatorStatus(podinfoProdLive(desired))).toEqual({
        generation: 4,
        observedGeneration: 4,
      });
    });

    it.each([
      [
        'UpgradeFailed',
        'Helm upgrade failed for release prod/podinfo with chart podinfo@6.6.0: timed out waiting for the condition',
      ],
      [
        'ArtifactFailed',
        'HelmChart prod/prod-podinfo is not ready: no chart version found for podinfo-7.x',
      ],
      [
        'RollbackSucceeded',
        'Helm rollback to previous release prod/podinfo.v4 with chart podinfo@6.5.4 succeeded',
      ],
    ])('reports Ready=False %s as a failure', (reason, message) => {
      const live = podinfoProdLive(desired, [
        { type: 'Ready', status: 'False', reason, message },
      ]);
      expect(readOperatorStatus(live).failure).toEqual({
        message: `${reason}: ${message}`,
        since: '2024-05-06T09:30:05Z',
      });
    });

    it('reports Stalled=True as a failure', () => {
      const live = podinfoProdLive(desired, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Progressing',
          message: 'retrying',
        },
        {
          type: 'Stalled',
          status: 'True',
          reason: 'RetriesExceeded',
          message: 'Failed to upgrade after 3 attempt(s)',
        },
      ]);
      expect(readOperatorStatus(live).failure?.message).toBe(
        'RetriesExceeded: Failed to upgrade after 3 attempt(s)',
      );
    });

    it.each([
      [
        [
          {
            type: 'Ready',
            status: 'False',
            reason: 'DependencyNotReady',
            message: "dependency 'prod/redis' is not ready",
          },
        ],
      ],
      [
        [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'Progressing',
            message: 'Fulfilling prerequisites',
          },
        ],
      ],
      [readyWhileReconciling('Running upgrade action')],
    ] as const)(
      'reports waiting and reconciling as work under way (%#)',
      conditions => {
        const status = readOperatorStatus(
          podinfoProdLive(desired, [...conditions]),
        );
        expect(status.working?.message).toBe(
          `${conditions[conditions.length - 1].reason}: ${
            conditions[conditions.length - 1].message
          }`,
        );
        expect(status.failure).toBeUndefined();
      },
    );
  });

  it('reads only generations from another kind of object', () => {
    expect(
      readOperatorStatus({
        apiVersion: 'example.com/v1',
        metadata: { name: 'x', namespace: 'y', generation: 3 },
        status: { observedGeneration: 2, phase: 'Failed' },
      }),
    ).toEqual({ generation: 3, observedGeneration: 2 });
  });

  it('copes with a missing or malformed status', () => {
    expect(
      readOperatorStatus({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        metadata: { name: 'x', namespace: 'y' },
        status: {
          conditions: [null, 'Ready', { type: 'Ready' }],
          observedGeneration: '2',
        },
      }),
    ).toEqual({});
    expect(
      readOperatorStatus({
        apiVersion: 'helm.fluxcd.io/v1',
        metadata: { name: 'x', namespace: 'y' },
      }),
    ).toEqual({});
  });
});
