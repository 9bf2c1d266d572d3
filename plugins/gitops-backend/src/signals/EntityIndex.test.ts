import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  KUBERNETES_ID_ANNOTATION,
} from '@backstage-gitops/plugin-gitops-common';
import { EntityIndex } from './EntityIndex';

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    namespace: 'default',
    name,
    annotations,
    description: 'not indexed',
  },
  spec: { owner: 'team-a' },
});

const chart = (chartName: string) => ({ chartName, labels: {}, images: [] });

describe('EntityIndex', () => {
  function setup(entities: Entity[], options: { maxEntities?: number } = {}) {
    const catalog = catalogServiceMock({ entities });
    const queries = jest.spyOn(catalog, 'queryEntities');
    let now = 0;
    const index = new EntityIndex({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      clock: () => now,
      minAgeMs: 30_000,
      maxAgeMs: 300_000,
      ...options,
    });
    return {
      index,
      queries,
      entities,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('maps releases to the entities claiming them, reading only gitops entities and their annotations', async () => {
    const { index, queries } = setup([
      component('podinfo', { [GITOPS_ANNOTATION_HELM_CHART]: 'podinfo' }),
      component('by-id', { [KUBERNETES_ID_ANNOTATION]: 'worker' }),
      component('plain', { 'backstage.io/techdocs-ref': 'dir:.' }),
    ]);
    expect(
      await index.entitiesShowing([
        chart('podinfo'),
        {
          chartName: 'x',
          labels: { [KUBERNETES_ID_ANNOTATION]: 'worker' },
          images: [],
        },
      ]),
    ).toEqual(
      new Set(['component:default/podinfo', 'component:default/by-id']),
    );
    expect(queries).toHaveBeenCalledTimes(1);
    const [request] = queries.mock.calls[0];
    expect(request).toMatchObject({
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ],
    });
  });

  it('reads again for an unclaimed release, at most once per minimum age', async () => {
    const { index, queries, entities, advance } = setup([
      component('podinfo', { [GITOPS_ANNOTATION_HELM_CHART]: 'podinfo' }),
    ]);
    await index.entitiesShowing([chart('podinfo')]);
    entities.push(
      component('worker', { [GITOPS_ANNOTATION_HELM_CHART]: 'worker' }),
    );
    // The mock's entities are its own copy: replace it with one that has the new entity.
    queries.mockImplementation(async () => ({
      items: entities,
      totalItems: entities.length,
      pageInfo: {},
    }));

    expect(await index.entitiesShowing([chart('worker')])).toEqual(new Set());
    expect(queries).toHaveBeenCalledTimes(1);
    advance(30_000);
    expect(await index.entitiesShowing([chart('worker')])).toEqual(
      new Set(['component:default/worker']),
    );
    expect(queries).toHaveBeenCalledTimes(2);
    // Claimed releases never read again before the maximum age.
    advance(200_000);
    await index.entitiesShowing([chart('podinfo')]);
    expect(queries).toHaveBeenCalledTimes(2);
    advance(100_000);
    await index.entitiesShowing([chart('podinfo')]);
    expect(queries).toHaveBeenCalledTimes(3);
  });

  it('pages through the catalog, up to its bound', async () => {
    const many = Array.from({ length: 1200 }, (_, i) =>
      component(`c${i}`, { [GITOPS_ANNOTATION_HELM_CHART]: `chart-${i}` }),
    );
    const full = setup(many);
    expect(await full.index.entitiesShowing([chart('chart-1100')])).toEqual(
      new Set(['component:default/c1100']),
    );
    expect(full.queries).toHaveBeenCalledTimes(3);

    const bounded = setup(many, { maxEntities: 500 });
    expect(await bounded.index.entitiesShowing([chart('chart-1100')])).toEqual(
      new Set(),
    );
    expect(bounded.queries).toHaveBeenCalledTimes(1);
  });

  it('leaves out entities whose annotations do not parse, and keeps the last index when the catalog fails', async () => {
    const { index, queries, advance } = setup([
      component('broken', { [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'team!=a' }),
      component('podinfo', { [GITOPS_ANNOTATION_HELM_CHART]: 'podinfo' }),
    ]);
    expect(
      await index.entitiesShowing([
        { chartName: 'podinfo', labels: { team: 'b' }, images: [] },
      ]),
    ).toEqual(new Set(['component:default/podinfo']));
    queries.mockRejectedValue(new Error('catalog down'));
    advance(400_000);
    expect(await index.entitiesShowing([chart('podinfo')])).toEqual(
      new Set(['component:default/podinfo']),
    );
  });
});
