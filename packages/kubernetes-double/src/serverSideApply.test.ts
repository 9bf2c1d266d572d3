import { ApiError } from './apiStatus';
import { KubeObject } from './kubeObject';
import { readManagedFields, Writer } from './managedFields';
import { ResourceRegistry } from './resourceTypes';
import { applyConfiguration } from './serverSideApply';

const registry = new ResourceRegistry();
const configMaps = registry.byKind('', 'v1', 'ConfigMap')!;

function writer(manager: string): Writer {
  return {
    manager,
    operation: 'Apply',
    apiVersion: 'v1',
    time: '2024-05-01T10:00:00Z',
    scope: 'object',
  };
}

function configMap(
  data: Record<string, string>,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'settings',
      namespace: 'demo',
      ...(labels ? { labels } : {}),
    },
    data,
  };
}

function apply(
  existing: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force = false,
): KubeObject {
  return applyConfiguration({
    type: configMaps,
    scope: 'object',
    existing,
    applied,
    writer: writer(manager),
    force,
  });
}

describe('applyConfiguration', () => {
  it('records what the manager applied as its fields', () => {
    const created = apply(
      undefined,
      configMap({ color: 'blue' }, { app: 'web' }),
      'gitops',
    );
    expect(readManagedFields(created)).toEqual([
      expect.objectContaining({
        manager: 'gitops',
        operation: 'Apply',
        paths: [
          ['metadata', 'labels', 'app'],
          ['data', 'color'],
        ],
      }),
    ]);
  });

  it('shares fields applied with equal values and conflicts on different ones', () => {
    const first = apply(
      undefined,
      configMap({ color: 'blue', size: 'l' }),
      'gitops',
    );
    const shared = apply(first, configMap({ color: 'blue' }), 'other');
    expect(readManagedFields(shared).map(entry => entry.manager)).toEqual([
      'gitops',
      'other',
    ]);

    let conflict: ApiError | undefined;
    try {
      apply(first, configMap({ color: 'red', size: 'm' }), 'other');
    } catch (error) {
      conflict = error as ApiError;
    }
    expect(conflict?.code).toBe(409);
    expect(conflict?.reason).toBe('Conflict');
    expect(conflict?.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "gitops" using v1:\n- .data.color\n- .data.size',
    );
    expect(conflict?.details?.causes).toEqual([
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "gitops" using v1',
        field: '.data.color',
      },
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "gitops" using v1',
        field: '.data.size',
      },
    ]);
  });

  it('takes conflicting fields over when forced', () => {
    const first = apply(
      undefined,
      configMap({ color: 'blue', size: 'l' }),
      'gitops',
    );
    const forced = apply(first, configMap({ color: 'red' }), 'other', true);
    expect(forced.data).toEqual({ color: 'red', size: 'l' });
    const owners = Object.fromEntries(
      readManagedFields(forced).map(entry => [entry.manager, entry.paths]),
    );
    expect(owners).toEqual({
      gitops: [['data', 'size']],
      other: [['data', 'color']],
    });
  });

  it('removes fields the manager stops applying unless someone else owns them', () => {
    const first = apply(
      undefined,
      configMap({ color: 'blue', size: 'l', shape: 'round' }),
      'gitops',
    );
    const alsoOwned = apply(first, configMap({ shape: 'round' }), 'other');
    const trimmed = apply(alsoOwned, configMap({ color: 'blue' }), 'gitops');
    expect(trimmed.data).toEqual({ color: 'blue', shape: 'round' });
  });

  it('leaves fields owned by nobody alone', () => {
    const existing: KubeObject = { ...configMap({ legacy: 'yes' }) };
    const applied = apply(existing, configMap({ color: 'blue' }), 'gitops');
    expect(applied.data).toEqual({ legacy: 'yes', color: 'blue' });
  });
});
