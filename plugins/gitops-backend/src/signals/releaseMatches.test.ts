import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_IMAGE,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  KUBERNETES_ID_ANNOTATION,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease, storeFirstSync } from '../__testUtils__/releaseRecord';
import { releaseMatchFor } from '../service/entityMatch';
import { releaseMatches } from './releaseMatches';

const image = (registry: string | undefined, repository: string) => ({
  container: 'app',
  ...(registry ? { registry } : {}),
  repository,
  tag: '1',
  paths: { tag: 'image.tag' },
});

const RELEASES = [
  chartRelease('dev', 'podinfo', { labels: { app: 'podinfo', tier: 'web' } }),
  chartRelease('dev', 'worker', { images: [image('ghcr.io', 'org/worker')] }),
  chartRelease('dev', 'hub-worker', {
    images: [image(undefined, 'org/worker')],
  }),
  chartRelease('dev', 'db', { labels: { app: 'podinfo', tier: 'db' } }),
  chartRelease('dev', 'by-id', {
    labels: { [KUBERNETES_ID_ANNOTATION]: 'payments' },
  }),
];

const ANNOTATIONS: Array<Record<string, string>> = [
  { [GITOPS_ANNOTATION_HELM_CHART]: 'podinfo, worker' },
  { [GITOPS_ANNOTATION_IMAGE]: 'ghcr.io/org/worker' },
  { [GITOPS_ANNOTATION_IMAGE]: 'org/worker' },
  { [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'app=podinfo,tier!=db' },
  { [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'app=podinfo' },
  { [KUBERNETES_ID_ANNOTATION]: 'payments' },
  { [GITOPS_ANNOTATION_HELM_CHART]: 'none' },
];

describe('releaseMatches', () => {
  it.each(ANNOTATIONS.map(a => [JSON.stringify(a), a]))(
    'claims what the store finds for %s',
    async (_name, annotations) => {
      const store = await createMemoryStore();
      try {
        await store.syncStateStore.ensureRepository({
          id: 'config',
          url: 'file:///c.git',
          branch: 'main',
        });
        await storeFirstSync(store.syncStateStore, RELEASES);
        const match = releaseMatchFor({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'x', annotations },
        });
        const found = await store.syncStateStore.findReleases(match);
        expect(
          RELEASES.filter(r => releaseMatches(match, r))
            .map(stringifyGitopsReleaseKey)
            .sort(),
        ).toEqual(found.map(stringifyGitopsReleaseKey).sort());
      } finally {
        await store.knex.destroy();
      }
    },
  );
});
