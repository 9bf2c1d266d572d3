import {
  describeStores,
  reconcile,
  status,
} from './__testUtils__/storeFixtures';

describeStores('DatabaseClusterStateStore', storeTest => {
  storeTest(
    'upserts release statuses and round-trips every field',
    async ({ clusterStateStore }) => {
      const full = status('dev', 'podinfo', {
        state: 'Drifted',
        reason: 'values differ',
        differences: [
          { path: 'values.image.tag', desired: 'dev-2', live: 'dev-1' },
          { path: 'values.replicaCount', desired: { n: [1] } },
        ],
        revision: 3,
        chartVersion: '0.2.0',
        appVersion: '6.0.0',
        deployedAt: '2026-11-25T09:00:00.000Z',
        since: '2026-11-25T09:30:00.000Z',
        error: 'timeout',
        errorAt: '2026-11-25T11:00:00.000Z',
        flux: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
          suspended: true,
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'UpgradeFailed',
              message: 'timed out',
            },
          ],
          lastAttemptedRevision: '6.5.4',
          lastAppliedRevision: '6.5.3',
          attemptDiffers: true,
          historyFromStatus: true,
        },
      });
      const bare = status('prod', 'podinfo');
      const elsewhere = status('stg', 'podinfo', { cluster: 'other' });
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [full, bare] }),
      );
      await clusterStateStore.applyReconcile(
        reconcile({ cluster: 'other', statuses: [elsewhere] }),
      );

      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        full,
        bare,
      ]);
      // Unset fields are left out, not null.
      expect(
        Object.keys(
          (await clusterStateStore.listReleaseStatuses('demo'))[1],
        ).sort(),
      ).toEqual([
        'cluster',
        'differences',
        'environment',
        'name',
        'namespace',
        'reason',
        'state',
      ]);
      expect(
        await clusterStateStore.getReleaseStatuses([
          { environment: 'stg', namespace: 'stg', name: 'podinfo' },
          { environment: 'dev', namespace: 'dev', name: 'podinfo' },
          { environment: 'dev', namespace: 'dev', name: 'absent' },
        ]),
      ).toEqual([full, elsewhere]);
      expect(await clusterStateStore.getReleaseStatuses([])).toEqual([]);

      // A new status replaces the whole row: what it leaves out goes.
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [status('dev', 'podinfo', { revision: 4 })] }),
      );
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo', { revision: 4 }),
        bare,
      ]);
    },
  );

  storeTest(
    'reads many release statuses in batches',
    async ({ clusterStateStore }) => {
      const statuses = Array.from({ length: 450 }, (_, i) =>
        status('dev', `r${String(i).padStart(3, '0')}`),
      );
      await clusterStateStore.applyReconcile(reconcile({ statuses }));
      expect(await clusterStateStore.getReleaseStatuses(statuses)).toEqual(
        statuses,
      );
      await clusterStateStore.applyReconcile(
        reconcile({ removed: statuses.slice(0, 449) }),
      );
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        statuses[449],
      ]);
    },
  );

  storeTest(
    'replaces Helm history whole and lists it newest first',
    async ({ clusterStateStore }) => {
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      expect(await clusterStateStore.getHelmHistory(key)).toBeUndefined();
      await clusterStateStore.applyReconcile(
        reconcile({
          histories: [
            {
              ...key,
              cluster: 'demo',
              revisions: [
                { revision: 1, status: 'superseded' },
                {
                  revision: 3,
                  status: 'deployed',
                  chartName: 'podinfo',
                  chartVersion: '0.2.0',
                  appVersion: '6.0.0',
                  description: 'Upgrade complete',
                  firstDeployedAt: '2026-11-24T09:00:00.000Z',
                  deployedAt: '2026-11-25T09:00:00.000Z',
                },
                { revision: 2, status: 'failed' },
              ],
            },
          ],
        }),
      );
      const history = await clusterStateStore.getHelmHistory(key);
      expect(history).toEqual({
        ...key,
        cluster: 'demo',
        revisions: [
          {
            revision: 3,
            status: 'deployed',
            chartName: 'podinfo',
            chartVersion: '0.2.0',
            appVersion: '6.0.0',
            description: 'Upgrade complete',
            firstDeployedAt: '2026-11-24T09:00:00.000Z',
            deployedAt: '2026-11-25T09:00:00.000Z',
          },
          { revision: 2, status: 'failed' },
          { revision: 1, status: 'superseded' },
        ],
      });
      expect(Object.keys(history!.revisions[1])).toEqual([
        'revision',
        'status',
      ]);

      // Helm keeps a limited history: revisions no longer listed go.
      await clusterStateStore.applyReconcile(
        reconcile({
          histories: [
            {
              ...key,
              cluster: 'demo',
              revisions: [
                { revision: 4, status: 'deployed' },
                { revision: 3, status: 'superseded' },
              ],
            },
          ],
        }),
      );
      expect((await clusterStateStore.getHelmHistory(key))?.revisions).toEqual([
        { revision: 4, status: 'deployed' },
        { revision: 3, status: 'superseded' },
      ]);
    },
  );

  storeTest(
    'drops the status and history of removed releases, and records events',
    async ({ clusterStateStore, eventStore }) => {
      const gone = { environment: 'dev', namespace: 'dev', name: 'gone' };
      const kept = { environment: 'dev', namespace: 'dev', name: 'kept' };
      const history = (key: typeof gone) => ({
        ...key,
        cluster: 'demo',
        revisions: [{ revision: 1, status: 'deployed' }],
      });
      await clusterStateStore.applyReconcile(
        reconcile({
          statuses: [status('dev', 'gone'), status('dev', 'kept')],
          histories: [history(gone), history(kept)],
        }),
      );
      await clusterStateStore.applyReconcile(
        reconcile({
          removed: [gone],
          events: [
            {
              type: 'release-removed',
              environment: 'dev',
              namespace: 'dev',
              name: 'gone',
              details: { cluster: 'demo' },
              at: new Date('2026-11-25T12:00:00Z'),
            },
          ],
        }),
      );
      expect(
        (await clusterStateStore.listReleaseStatuses('demo')).map(s => s.name),
      ).toEqual(['kept']);
      expect(await clusterStateStore.getHelmHistory(gone)).toBeUndefined();
      expect(await clusterStateStore.getHelmHistory(kept)).toEqual(
        history(kept),
      );
      const events = await eventStore.listEvents({
        releases: [gone],
        repositoryIds: [],
        limit: 10,
      });
      expect(events).toEqual([
        expect.objectContaining({
          type: 'release-removed',
          details: { cluster: 'demo' },
          at: '2026-11-25T12:00:00.000Z',
        }),
      ]);

      // Another cluster removing the same key leaves this cluster's rows alone.
      await clusterStateStore.applyReconcile(
        reconcile({ cluster: 'other', removed: [kept] }),
      );
      expect(
        (await clusterStateStore.listReleaseStatuses('demo')).map(s => s.name),
      ).toEqual(['kept']);
      expect(await clusterStateStore.getHelmHistory(kept)).toEqual(
        history(kept),
      );
    },
  );

  storeTest(
    'tracks clusters: titles, reconciles and failures',
    async ({ clusterStateStore }) => {
      expect(await clusterStateStore.listClusters()).toEqual([]);
      await clusterStateStore.ensureClusters([
        { name: 'prod', title: 'Production' },
        { name: 'demo' },
        { name: 'demo' },
      ]);
      expect(await clusterStateStore.listClusters()).toEqual([
        { name: 'demo' },
        { name: 'prod', title: 'Production' },
      ]);

      // A cluster not ensured yet gets a row from its first cycle or failure.
      await clusterStateStore.recordClusterFailure(
        'new',
        'forbidden',
        new Date('2026-11-25T11:00:00Z'),
      );
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [status('dev', 'podinfo')] }),
      );
      await clusterStateStore.recordClusterFailure(
        'demo',
        'unreachable',
        new Date('2026-11-25T13:00:00Z'),
      );
      expect(await clusterStateStore.listClusters()).toEqual([
        {
          name: 'demo',
          lastReconciledAt: '2026-11-25T12:00:00.000Z',
          lastError: 'unreachable',
          lastErrorAt: '2026-11-25T13:00:00.000Z',
        },
        {
          name: 'new',
          lastError: 'forbidden',
          lastErrorAt: '2026-11-25T11:00:00.000Z',
        },
        { name: 'prod', title: 'Production' },
      ]);
      // A failure keeps every status.
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo'),
      ]);

      // Success moves last_reconciled_at past the error without clearing it;
      // ensureClusters refreshes titles and keeps the rest.
      await clusterStateStore.applyReconcile(
        reconcile({ at: new Date('2026-11-25T14:00:00Z') }),
      );
      await clusterStateStore.ensureClusters([
        { name: 'demo', title: 'Demo' },
        { name: 'prod' },
      ]);
      expect(await clusterStateStore.listClusters()).toEqual([
        {
          name: 'demo',
          title: 'Demo',
          lastReconciledAt: '2026-11-25T14:00:00.000Z',
          lastError: 'unreachable',
          lastErrorAt: '2026-11-25T13:00:00.000Z',
        },
        {
          name: 'new',
          lastError: 'forbidden',
          lastErrorAt: '2026-11-25T11:00:00.000Z',
        },
        { name: 'prod' },
      ]);
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo'),
      ]);
    },
  );

  storeTest(
    'writes a reconcile in one transaction',
    async ({ clusterStateStore }) => {
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [status('dev', 'podinfo')] }),
      );
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      // A revision without a status breaks a NOT NULL column: the history
      // insert fails after the status upsert, and neither may stay.
      await expect(
        clusterStateStore.applyReconcile(
          reconcile({
            at: new Date('2026-11-25T14:00:00Z'),
            statuses: [status('dev', 'podinfo', { state: 'Failed' })],
            histories: [
              {
                ...key,
                cluster: 'demo',
                revisions: [
                  { revision: 1, status: 'deployed' },
                  { revision: 2, status: null as unknown as string },
                ],
              },
            ],
          }),
        ),
        // Not toThrow(): better-sqlite3's errors come from another realm in
        // jest workers and fail its instanceof Error check.
      ).rejects.toMatchObject({ message: expect.stringMatching(/not.null/i) });
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo'),
      ]);
      expect((await clusterStateStore.listClusters())[0].lastReconciledAt).toBe(
        '2026-11-25T12:00:00.000Z',
      );
    },
  );

  storeTest(
    'writes a reconcile and its events in one transaction',
    async ({ clusterStateStore, eventStore }) => {
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [status('dev', 'podinfo')] }),
      );
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      // The events are written after the statuses and histories: an event
      // without a type fails the cycle, and none of it may stay.
      await expect(
        clusterStateStore.applyReconcile(
          reconcile({
            at: new Date('2026-11-25T14:00:00Z'),
            statuses: [status('dev', 'podinfo', { state: 'Failed' })],
            histories: [
              {
                ...key,
                cluster: 'demo',
                revisions: [{ revision: 1, status: 'deployed' }],
              },
            ],
            events: [
              {
                type: 'release-state-changed',
                ...key,
                at: new Date('2026-11-25T14:00:00Z'),
              },
              {
                type: null as unknown as string,
                ...key,
                at: new Date('2026-11-25T14:00:00Z'),
              },
            ],
          }),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/not.null/i) });
      expect(await clusterStateStore.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo'),
      ]);
      expect(await clusterStateStore.getHelmHistory(key)).toBeUndefined();
      expect(
        await eventStore.listEvents({
          releases: [key],
          repositoryIds: [],
          limit: 10,
        }),
      ).toEqual([]);
      expect((await clusterStateStore.listClusters())[0].lastReconciledAt).toBe(
        '2026-11-25T12:00:00.000Z',
      );
    },
  );

  storeTest(
    "replaces the Flux status of a cluster's environments, leaving other clusters' alone",
    async ({ clusterStateStore }) => {
      const dev = {
        environment: 'dev',
        cluster: 'demo',
        kustomization: {
          namespace: 'flux-system',
          name: 'apps',
          ready: {
            type: 'Ready',
            status: 'True' as const,
            reason: 'ReconciliationSucceeded',
          },
          lastAppliedRevision:
            'main@sha1:0123456789abcdef0123456789abcdef01234567',
          appliedCommit: '0123456789abcdef0123456789abcdef01234567',
          suspended: false,
        },
        observedAt: '2026-11-25T10:00:00.000Z',
      };
      const stg = {
        environment: 'stg',
        cluster: 'demo',
        problem: 'Flux kustomize API not served',
        observedAt: '2026-11-25T10:00:00.000Z',
      };
      const prod = { ...stg, environment: 'prod', cluster: 'other' };
      await clusterStateStore.applyReconcile(
        reconcile({ environmentFlux: [dev, stg] }),
      );
      await clusterStateStore.applyReconcile(
        reconcile({ cluster: 'other', environmentFlux: [prod] }),
      );
      expect(await clusterStateStore.listEnvironmentFluxStatuses()).toEqual([
        dev,
        prod,
        stg,
      ]);

      // Without environmentFlux a cycle leaves them; with it, unnamed ones of the cluster go.
      await clusterStateStore.applyReconcile(reconcile({}));
      expect(
        await clusterStateStore.listEnvironmentFluxStatuses(),
      ).toHaveLength(3);
      const later = { ...stg, observedAt: '2026-11-25T11:00:00.000Z' };
      await clusterStateStore.applyReconcile(
        reconcile({ environmentFlux: [later] }),
      );
      expect(await clusterStateStore.listEnvironmentFluxStatuses()).toEqual([
        prod,
        later,
      ]);
    },
  );
});
