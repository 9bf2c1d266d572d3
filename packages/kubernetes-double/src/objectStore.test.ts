import { JsonObject } from './jsonValue';
import { ChangeEvent, ObjectStore } from './objectStore';
import { ResourceRegistry } from './resourceTypes';

describe('ObjectStore', () => {
  const newStore = () =>
    new ObjectStore(
      new ResourceRegistry(),
      () => new Date('2024-05-01T10:00:00.123Z'),
    );
  /** The HelmRelease dev/x, written again and again with other fields. */
  const releaseX = (spec: JsonObject, labels?: Record<string, string>) => ({
    apiVersion: 'helm.fluxcd.io/v1',
    kind: 'HelmRelease',
    metadata: { name: 'x', namespace: 'dev', ...(labels ? { labels } : {}) },
    spec,
  });

  it('stamps identity, versions and generation, and keeps no-op writes silent', () => {
    const store = newStore();
    const events: ChangeEvent['type'][] = [];
    store.onChange(event => events.push(event.type));
    const created = store.put(releaseX({ a: 1 }));
    expect(created.metadata).toMatchObject({
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
    });

    const same = store.put(releaseX({ a: 1 }));
    expect(same.metadata).toMatchObject({
      resourceVersion: '1',
      uid: (created.metadata as { uid: string }).uid,
    });

    const labelled = store.put(releaseX({ a: 1 }, { a: 'b' }));
    expect(labelled.metadata).toMatchObject({
      resourceVersion: '2',
      generation: 1,
    });
    const changed = store.put(releaseX({ a: 2 }));
    expect(changed.metadata).toMatchObject({
      resourceVersion: '3',
      generation: 2,
    });
    expect(events).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
  });

  it('serves a kind in whichever version is asked for', () => {
    const store = newStore();
    store.put({
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'dev' },
    });
    expect(
      store.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'x', 'dev')
        ?.apiVersion,
    ).toBe('helm.toolkit.fluxcd.io/v2');
    expect(
      store.list('helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease'),
    ).toHaveLength(1);
    expect(() => store.list('example.com/v1', 'Widget')).toThrow(
      /does not serve/,
    );
  });

  it('deletes what a namespace holds with it', () => {
    const store = newStore();
    store.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'dev' },
    });
    store.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'dev' },
    });
    store.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'prod' },
    });
    expect(store.delete('v1', 'Namespace', 'dev')).toBe(true);
    expect(
      store
        .list('v1', 'Secret')
        .map(secret => (secret.metadata as { namespace: string }).namespace),
    ).toEqual(['prod']);
  });

  it('folds Secret stringData into base64 data', () => {
    const store = newStore();
    const secret = store.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'dev' },
      data: { a: 'YQ==' },
      stringData: { b: 'b' },
    });
    expect(secret).toMatchObject({
      data: { a: 'YQ==', b: 'Yg==' },
      type: 'Opaque',
    });
    expect(secret.stringData).toBeUndefined();
    expect(() =>
      store.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 't' },
        data: { a: 'not base64!' },
      }),
    ).toThrow(/illegal base64/);
  });
});
