import { applied, describeStores } from './__testUtils__/storeFixtures';

describeStores('DatabaseClusterStateStore applies', storeTest => {
  storeTest(
    'replaces apply and prune problems per environment, keeping when each began',
    async ({ clusterStateStore }) => {
      const refused = {
        source: 'apply' as const,
        path: 'releases/dev/policy.yaml',
        object: 'ImagePolicy dev/podinfo (image.toolkit.fluxcd.io/v1beta2)',
        message:
          'apply ImagePolicy dev/podinfo: 404 the server could not find the requested resource',
        commit: 'c1',
      };
      const record = (environment: string, items: (typeof refused)[]) =>
        clusterStateStore.recordApply({
          environment,
          upserted: [],
          removed: [],
          problems: { repositoryId: 'config', items },
        });
      await record('dev', [refused]);
      await record('prod', [
        { ...refused, path: 'releases/prod/x.yaml', message: 'x'.repeat(2000) },
      ]);
      const [first] = await clusterStateStore.listApplyProblems(['config']);
      expect(first).toEqual({
        repository: 'config',
        environment: 'dev',
        at: expect.any(String),
        ...refused,
      });

      // Still failing: the same problem, since the same time; prod untouched.
      await new Promise(resolve => setTimeout(resolve, 5));
      await record('dev', [refused]);
      expect(
        (await clusterStateStore.listApplyProblems(['config'])).map(p => [
          p.environment,
          p.at,
        ]),
      ).toEqual([
        ['dev', first.at],
        ['prod', expect.any(String)],
      ]);
      // Applied cleanly: gone. Problems of other repositories are not listed.
      await record('dev', []);
      expect(
        (await clusterStateStore.listApplyProblems(['config'])).map(
          p => p.environment,
        ),
      ).toEqual(['prod']);
      expect(await clusterStateStore.listApplyProblems(['other'])).toEqual([]);
    },
  );

  storeTest(
    'holds a deletion back and confirms it only for its commit',
    async ({ clusterStateStore }) => {
      const hr = (name: string) => ({
        apiVersion: 'helm.fluxcd.io/v1',
        kind: 'HelmRelease',
        namespace: 'stg',
        name,
      });
      const held = {
        environment: 'stg',
        commit: 'a'.repeat(40),
        objects: [hr('b'), hr('a')],
        total: 2,
        heldAt: '2026-11-25T12:00:00.000Z',
      };
      expect(await clusterStateStore.getHeldPrune('stg')).toBeUndefined();
      await clusterStateStore.holdPrune(held);
      expect(
        await clusterStateStore.confirmHeldPrune('stg', {
          commit: 'b'.repeat(40),
          actor: 'user:default/ops',
          at: new Date(),
        }),
      ).toBeUndefined();
      const confirmed = await clusterStateStore.confirmHeldPrune('stg', {
        commit: held.commit,
        actor: 'user:default/ops',
        at: new Date('2026-11-25T12:05:00Z'),
      });
      expect(confirmed).toMatchObject({
        confirmedBy: 'user:default/ops',
        confirmedAt: '2026-11-25T12:05:00.000Z',
        total: 2,
      });

      // The same deletion, in another order, keeps its confirmation...
      await clusterStateStore.holdPrune({
        ...held,
        objects: [hr('a'), hr('b')],
        heldAt: '2026-11-25T12:10:00.000Z',
      });
      expect(await clusterStateStore.getHeldPrune('stg')).toMatchObject({
        confirmedBy: 'user:default/ops',
        heldAt: held.heldAt,
      });
      // ...a different one does not.
      await clusterStateStore.holdPrune({ ...held, objects: [hr('a')] });
      expect(
        (await clusterStateStore.getHeldPrune('stg'))?.confirmedBy,
      ).toBeUndefined();
      await clusterStateStore.releaseHeldPrune('stg');
      expect(await clusterStateStore.getHeldPrune('stg')).toBeUndefined();
    },
  );

  storeTest(
    'records what each environment applied',
    async ({ clusterStateStore }) => {
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        objects: [],
      });

      const namespace = applied('Namespace', 'dev', {
        apiVersion: 'v1',
        namespace: '',
      });
      const podinfo = applied('HelmRelease', 'podinfo');
      const worker = applied('HelmRelease', 'worker');
      await clusterStateStore.recordApply({
        environment: 'dev',
        commit: 'c1',
        upserted: [podinfo, worker, namespace],
        removed: [],
      });
      await clusterStateStore.recordApply({
        environment: 'prod',
        commit: 'p1',
        upserted: [applied('HelmRelease', 'podinfo', { namespace: 'prod' })],
        removed: [],
      });
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        commit: 'c1',
        objects: [podinfo, worker, namespace],
      });

      // Without a commit (something failed) the previous one stays, so the
      // next cycle retries; the objects that did apply are recorded.
      const podinfo2 = applied('HelmRelease', 'podinfo', {
        digest: 'd2',
        sourcePath: 'releases/dev/moved.yaml',
        appliedAt: '2026-11-25T13:00:00.000Z',
      });
      await clusterStateStore.recordApply({
        environment: 'dev',
        upserted: [podinfo2],
        removed: [worker],
      });
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        commit: 'c1',
        objects: [podinfo2, namespace],
      });

      await clusterStateStore.recordApply({
        environment: 'dev',
        commit: 'c2',
        upserted: [],
        removed: [
          { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'dev' },
        ],
      });
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        commit: 'c2',
        objects: [podinfo2],
      });
      // Other environments are untouched, even by a removal of the same key.
      await clusterStateStore.recordApply({
        environment: 'prod',
        upserted: [],
        removed: [podinfo2],
      });
      expect(await clusterStateStore.getAppliedObjects('prod')).toEqual({
        commit: 'p1',
        objects: [applied('HelmRelease', 'podinfo', { namespace: 'prod' })],
      });
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        commit: 'c2',
        objects: [podinfo2],
      });

      // A cluster that lost objects: the environment starts over, alone.
      await clusterStateStore.forgetApplied('dev');
      expect(await clusterStateStore.getAppliedObjects('dev')).toEqual({
        objects: [],
      });
      expect((await clusterStateStore.getAppliedObjects('prod')).commit).toBe(
        'p1',
      );
    },
  );
});
