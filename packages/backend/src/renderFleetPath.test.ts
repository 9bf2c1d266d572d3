import {
  SimulatedKustomizeController,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DemoFleetRepository } from './demoFleetRepository';
import { fluxBootstrapObjects } from './fluxBootstrap';
import { renderFleetPath } from './renderFleetPath';

const run = promisify(execFile);
const EXAMPLE = path.resolve(__dirname, '../../../examples/config-repo-v2');

describe('the demo fleet, rendered for the simulated kustomize-controller', () => {
  let root: string;
  let repository: DemoFleetRepository;
  let sha: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'demo-fleet-test-'));
    const work = path.join(root, 'work');
    await cp(EXAMPLE, work, { recursive: true });
    const git = (...args: string[]) => run('git', ['-C', work, ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'Import',
    );
    await run('git', [
      'init',
      '-q',
      '--bare',
      '-b',
      'main',
      path.join(root, 'remote.git'),
    ]);
    await git('push', '-q', path.join(root, 'remote.git'), 'main');
    repository = new DemoFleetRepository(
      `file://${path.join(root, 'remote.git')}`,
      'main',
      path.join(root, 'mirror.git'),
    );
    sha = await repository.head();
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("builds a cluster folder as Flux's generated kustomization: every manifest below it", async () => {
    const rendered = await renderFleetPath(
      repository,
      sha,
      './clusters/staging',
    );

    expect(
      'objects' in rendered &&
        rendered.objects
          .map(o => `${o.kind}/${(o.metadata as any).name}`)
          .sort(),
    ).toEqual([
      'GitRepository/flux-system',
      'ImagePolicy/podinfo-staging',
      'ImageRepository/podinfo',
      'ImageUpdateAutomation/apps',
      'Kustomization/apps',
      'Kustomization/flux-system',
    ]);
  });

  it('builds an overlay: the base release patched and put in the overlay namespace', async () => {
    const rendered = await renderFleetPath(repository, sha, './apps/staging');

    if (!('objects' in rendered)) throw new Error(rendered.error);
    const release = rendered.objects.find(o => o.kind === 'HelmRelease') as any;
    expect(release.metadata.namespace).toBe('staging');
    expect(release.spec.values.image).toEqual({
      repository: 'ghcr.io/stefanprodan/podinfo',
      tag: '6.5.0-rc.1',
    });
    expect(rendered.objects.find(o => o.kind === 'Namespace')).toBeDefined();
    // As source-controller would build it: the chart's version from its Chart.yaml.
    expect(release.metadata.annotations).toMatchObject({
      'gitops.backstage.io/chart-version': '6.5.0',
      'gitops.backstage.io/chart-revision':
        expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it('fails the build of a path that is not there or leaves the repository', async () => {
    expect(await renderFleetPath(repository, sha, './apps/missing')).toEqual({
      error: expect.stringContaining('no such directory'),
    });
    expect(await renderFleetPath(repository, sha, '../elsewhere')).toEqual({
      error: expect.stringContaining('leaves the repository'),
    });
  });

  it('from the bootstrap objects, the simulated Flux applies the cluster and its apps, and helm-controller installs podinfo', async () => {
    const double = await startKubernetesDouble({ namespaces: ['flux-system'] });
    try {
      for (const object of fluxBootstrapObjects({
        path: './clusters/production',
        branch: 'main',
        url: 'file:///fleet',
      })) {
        double.objects().put(object);
      }
      const controller = new SimulatedKustomizeController({
        store: double.objects(),
        render: async (folder, source) => ({
          revision: repository.revisionOf(sha),
          ...(source.name === 'flux-system'
            ? await renderFleetPath(repository, sha, folder)
            : { error: 'unknown source' }),
        }),
      });
      await controller.tick(); // flux-system applies clusters/production, creating apps
      await controller.tick(); // apps applies apps/production

      const store = double.objects();
      const apps = store.get(
        'kustomize.toolkit.fluxcd.io/v1',
        'Kustomization',
        'apps',
        'flux-system',
      ) as any;
      expect(apps.status.lastAppliedRevision).toBe(`main@sha1:${sha}`);
      expect(apps.status.conditions[0]).toMatchObject({
        type: 'Ready',
        status: 'True',
      });
      const release = store.get(
        'helm.toolkit.fluxcd.io/v2',
        'HelmRelease',
        'podinfo',
        'production',
      ) as any;
      expect(release.spec.values).toMatchObject({
        image: { tag: '6.5.0' },
        replicaCount: 2,
      });
      expect(release.status.history[0]).toMatchObject({
        chartVersion: '6.5.0',
      });
      expect(release.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      );
      expect(
        store.get(
          'image.toolkit.fluxcd.io/v1',
          'ImagePolicy',
          'podinfo-production',
          'flux-system',
        ),
      ).toBeDefined();
    } finally {
      await double.stop();
    }
  });
});
