import { FluxObjectRecord, ReleaseRecord } from '../database';
import { decideMarkedImages, markedUses } from './decideMarkedImages';

const policyObject = (
  name: string,
  spec: Record<string, unknown>,
): FluxObjectRecord => ({
  repository: 'config',
  path: 'clusters/dev/images.yaml',
  line: 1,
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1',
  kind: 'ImagePolicy',
  namespace: 'flux-system',
  name,
  spec: { imageRepositoryRef: { name: 'app' }, ...spec },
});

const imageRepository: FluxObjectRecord = {
  repository: 'config',
  path: 'clusters/dev/images.yaml',
  line: 1,
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1',
  kind: 'ImageRepository',
  namespace: 'flux-system',
  name: 'app',
  spec: { image: 'ghcr.io/org/app', exclusionList: ['^skip-'] },
};

const release = (policy: string, tag: string): ReleaseRecord => ({
  repository: 'config',
  environment: 'dev',
  namespace: 'dev',
  name: policy,
  releaseName: policy,
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  chart: { type: 'git', git: 'x', path: 'charts/app' },
  chartName: 'app',
  labels: {},
  annotations: {},
  automated: false,
  locked: false,
  images: [
    {
      container: 'chart-image',
      registry: 'ghcr.io',
      repository: 'org/app',
      tag,
      paths: { tag: 'image.tag' },
      imagePolicyRef: { namespace: 'flux-system', name: policy, field: 'tag' },
    },
  ],
  sourcePath: `apps/dev/${policy}.yaml`,
  spec: {},
  commit: 'c',
  updatedAt: new Date(0).toISOString(),
});

const TAGS = [
  'RELEASE.2023-01-01',
  'RELEASE.2023-01-31',
  'main-abc1234-1700000100',
  'main-def5678-1700000900',
  'main-0a0a0a0-1700000500',
  'skip-9',
  '3',
  '10',
  '2',
];

async function latest(policies: Record<string, Record<string, unknown>>) {
  const scanned: string[] = [];
  const releases = Object.keys(policies).map(name => release(name, 'none'));
  const { statuses } = await decideMarkedImages({
    uses: markedUses(releases),
    objects: [
      imageRepository,
      ...Object.entries(policies).map(([name, spec]) =>
        policyObject(name, spec),
      ),
    ],
    repository: { url: 'file:///srv/config.git', branch: 'main' },
    images: {
      async scan(image) {
        scanned.push(`${image.registry}/${image.repository}`);
        return { ok: true, tags: TAGS.map(tag => ({ tag })) };
      },
    },
    clock: () => new Date('2026-11-30T00:00:00Z'),
  });
  return {
    scanned,
    status: Object.fromEntries(statuses.map(s => [s.name, s.status])),
  };
}

describe('decideMarkedImages', () => {
  it('orders by each ImagePolicy kind, filters and extracts, and never offers an excluded tag', async () => {
    const { scanned, status } = await latest({
      'alpha-asc': {
        policy: { alphabetical: { order: 'asc' } },
        filterTags: { pattern: '^RELEASE\\.' },
      },
      'alpha-desc': {
        policy: { alphabetical: { order: 'desc' } },
        filterTags: { pattern: '^RELEASE\\.' },
      },
      'num-asc': { policy: { numerical: { order: 'asc' } } },
      'num-desc': { policy: { numerical: { order: 'desc' } } },
      extract: {
        policy: { numerical: { order: 'asc' } },
        filterTags: {
          pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)',
          extract: '$ts',
        },
      },
    });
    expect(status['alpha-asc']).toMatchObject({
      latestTag: 'RELEASE.2023-01-31',
      policy: 'alphabetical:asc (tags matching ^RELEASE\\.)',
    });
    expect(status['alpha-desc'].latestTag).toBe('RELEASE.2023-01-01');
    // skip-9 would not be a number anyway; 10 is the highest number, 2 the lowest.
    expect(status['num-asc'].latestTag).toBe('10');
    expect(status['num-desc'].latestTag).toBe('2');
    expect(status.extract).toMatchObject({
      latestTag: 'main-def5678-1700000900',
      imagePolicy: 'flux-system/extract',
      policy:
        'numerical:asc (tags matching ^main-[a-f0-9]+-(?P<ts>[0-9]+), extract $ts)',
    });
    // One listing for five policies of one ImageRepository.
    expect(scanned).toEqual(['ghcr.io/org/app']);
  });

  it('keeps excluded tags out even when they would win', async () => {
    const { status } = await latest({
      alpha: { policy: { alphabetical: { order: 'asc' } } },
    });
    // skip-9 sorts last of all tags, but the ImageRepository excludes it.
    expect(status.alpha.latestTag).toBe('main-def5678-1700000900');
  });

  it('reports an invalid ImagePolicy and a missing ImageRepository', async () => {
    const { status } = await latest({
      bad: { policy: {} },
      orphan: {
        imageRepositoryRef: { name: 'gone' },
        policy: { numerical: {} },
      },
    });
    expect(status.bad.problem).toMatch(
      /spec.policy must set exactly one of semver, alphabetical and numerical/,
    );
    expect(status.orphan.problem).toBe(
      'ImagePolicy flux-system/orphan: no ImageRepository flux-system/gone in the repository',
    );
    expect(status.orphan.latestTag).toBeUndefined();
  });
});
