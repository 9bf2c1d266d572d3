import { ConflictError } from '@backstage/errors';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { ReleaseRecord } from '../database';
import { rewriteImageTags } from '../edits';
import { parseManifestFile } from '../manifests';
import { findReleaseImage, releaseAtHead } from './releaseAtHead';
import { HeadSnapshot } from './RepositoryWriter';

const HEAD = '0123456789abcdef0123456789abcdef01234567';
const PATCH = 'apps/production/podinfo-values.yaml';
const BASE = 'apps/base/podinfo/release.yaml';
const MARKER = '# {"$imagepolicy": "flux-system:podinfo-production:tag"}';

const patchText = (extra = '') =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: podinfo',
    extra,
    'spec:',
    '  values:',
    '    image:',
    `      tag: 6.5.1 ${MARKER}`,
    '    replicaCount: 2',
    '',
  ]
    .filter(line => line !== '')
    .join('\n')
    .concat('\n');

const baseText = [
  'apiVersion: helm.toolkit.fluxcd.io/v2',
  'kind: HelmRelease',
  'metadata:',
  '  name: podinfo',
  '  namespace: podinfo',
  'spec:',
  '  chart:',
  '    spec:',
  '      chart: ./charts/podinfo',
  '      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}',
  '  values:',
  '    image:',
  '      repository: ghcr.io/stefanprodan/podinfo',
  '      tag: 6.5.0',
  '',
].join('\n');

/** A head whose files are these texts, read as the writer reads them. */
function headOf(files: Record<string, string>): HeadSnapshot {
  const present = (paths: string[]) =>
    paths.filter(p => files[p] !== undefined);
  return {
    head: HEAD,
    readFiles: async paths =>
      new Map(present(paths).map(p => [p, Buffer.from(files[p], 'utf8')])),
    readManifests: async paths =>
      new Map(
        present(paths).map(p => [
          p,
          {
            path: p,
            content: Buffer.from(files[p], 'utf8'),
            parsed: parseManifestFile(p, files[p]),
          },
        ]),
      ),
  };
}

/** production's podinfo as git sync stores it from the overlay: tag in the patch, with its marker. */
const production: ReleaseRecord = chartRelease('production', 'podinfo', {
  name: 'podinfo',
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  sourcePath: PATCH,
  builtFrom: [BASE, 'apps/production/kustomization.yaml'],
  images: [
    {
      container: 'chart-image',
      registry: 'ghcr.io',
      repository: 'stefanprodan/podinfo',
      tag: '6.5.0',
      paths: { tag: 'image.tag' },
      imagePolicyRef: {
        namespace: 'flux-system',
        name: 'podinfo-production',
        field: 'tag',
      },
    },
  ],
});

describe('releaseAtHead', () => {
  it("reads an overlay's patch as a partial HelmRelease: its document, lock and the tag it writes now", async () => {
    const at = await releaseAtHead(
      headOf({ [PATCH]: `---\n${patchText()}` }),
      production,
    );
    expect(at).toMatchObject({
      path: PATCH,
      document: 0,
      locked: false,
      label: 'production/podinfo',
    });
    expect(at.manifest).toBeUndefined();
    const image = findReleaseImage(at, 'chart-image');
    expect(image).toMatchObject({ tag: '6.5.1', paths: { tag: 'image.tag' } });

    // What a promotion writes from it: the tag, marker and all else kept.
    const { content } = rewriteImageTags(PATCH, at.content, [
      { document: at.document, image, newTag: '6.5.2' },
    ]);
    expect(content).toBe(
      `---\n${patchText()}`.replace('tag: 6.5.1', 'tag: 6.5.2'),
    );

    const locked = await releaseAtHead(
      headOf({
        [PATCH]: patchText('  annotations:\n    fluxcd.io/locked: "true"'),
      }),
      production,
    );
    expect(locked.locked).toBe(true);
  });

  it('reads a base an overlay moved to its namespace as the whole release', async () => {
    const at = await releaseAtHead(
      headOf({ [BASE]: baseText }),
      production,
      BASE,
    );
    expect(at.manifest).toMatchObject({
      namespace: 'podinfo',
      name: 'podinfo',
    });
    expect(findReleaseImage(at, 'chart-image')).toMatchObject({
      tag: '6.5.0',
      paths: { repository: 'image.repository', tag: 'image.tag' },
    });
  });

  it('refuses a patch that is not clean YAML, naming the line, and one that no longer names the release', async () => {
    const broken = releaseAtHead(
      headOf({
        [PATCH]: patchText().replace(
          '    replicaCount: 2',
          '    replicaCount: [2',
        ),
      }),
      production,
    );
    await expect(broken).rejects.toThrow(ConflictError);
    await expect(broken).rejects.toThrow(
      new RegExp(
        `^${PATCH} line \\d+ does not read cleanly at ${HEAD.slice(
          0,
          12,
        )}: .*; fix the file first$`,
      ),
    );

    await expect(
      releaseAtHead(
        headOf({
          [PATCH]: patchText().replace('name: podinfo', 'name: other'),
        }),
        production,
      ),
    ).rejects.toThrow(
      `${PATCH} no longer holds the HelmRelease production/podinfo`,
    );
    await expect(
      releaseAtHead(
        headOf({ [PATCH]: `${patchText()}---\n${patchText()}` }),
        production,
      ),
    ).rejects.toThrow(
      `${PATCH} holds 2 HelmReleases named podinfo; cannot tell which one to change`,
    );
    await expect(releaseAtHead(headOf({}), production)).rejects.toThrow(
      `${PATCH} is not in the repository at ${HEAD.slice(0, 12)}`,
    );
  });

  it("says the container is gone when the patch no longer writes the image's value", async () => {
    const at = await releaseAtHead(
      headOf({
        [PATCH]: patchText().replace(
          `    image:\n      tag: 6.5.1 ${MARKER}\n`,
          '',
        ),
      }),
      production,
    );
    expect(() => findReleaseImage(at, 'chart-image')).toThrow(
      `production/podinfo in ${PATCH} no longer has the container chart-image`,
    );
  });
});
