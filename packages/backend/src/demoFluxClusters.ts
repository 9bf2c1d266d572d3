import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  KubernetesDouble,
  RenderKustomization,
  SimulatedKustomizeController,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DemoFleetRepository } from './demoFleetRepository';
import { fluxBootstrapObjects } from './fluxBootstrap';
import { renderFleetPath } from './renderFleetPath';

const DEFAULT_INTERVAL_SECONDS = 5;
const DEFAULT_OPERATOR_DELAY_MS = 2000;
const FLUX_NAMESPACE = 'flux-system';

/**
 * Serves the Flux v2 demo's clusters, one per `clusters/<env>` folder of the
 * fleet repository, as Flux's layout has it: each a Kubernetes double on
 * loopback, bootstrapped as `flux bootstrap` would, where a simulated
 * kustomize-controller applies the repository's head every few seconds and
 * the simulated helm-controller installs the HelmReleases it applies. The
 * gitops plugin only reads these clusters (`apply: false`): Flux applies.
 * Nothing starts unless `gitopsDemo.fluxClusters.repositoryUrl` is set.
 */
export const demoFluxClusters = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'demo-flux-clusters',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const settings = config.getOptionalConfig('gitopsDemo.fluxClusters');
        const url = settings?.getOptionalString('repositoryUrl');
        if (!settings || !url) return;
        const branch = settings.getOptionalString('branch') ?? 'main';
        const intervalMs =
          (settings.getOptionalNumber('intervalSeconds') ??
            DEFAULT_INTERVAL_SECONDS) * 1000;
        const operatorDelayMs =
          settings.getOptionalNumber('operatorDelayMs') ??
          DEFAULT_OPERATOR_DELAY_MS;

        const mirrorRoot = await mkdtemp(
          path.join(os.tmpdir(), 'backstage-gitops-demo-fleet-'),
        );
        const repository = new DemoFleetRepository(
          url,
          branch,
          path.join(mirrorRoot, 'fleet.git'),
        );
        const render: RenderKustomization = async (folder, source) => {
          if (
            source.kind !== 'GitRepository' ||
            source.name !== 'flux-system' ||
            source.namespace !== FLUX_NAMESPACE
          ) {
            return {
              revision: '',
              error: `${source.kind} '${source.namespace}/${source.name}' not found: the simulation serves only flux-system`,
            };
          }
          const sha = await repository.head();
          return {
            revision: repository.revisionOf(sha),
            ...(await renderFleetPath(repository, sha, folder)),
          };
        };

        const running: Array<{
          double: KubernetesDouble;
          controller: SimulatedKustomizeController;
        }> = [];
        lifecycle.addShutdownHook(async () => {
          for (const { double, controller } of running) {
            controller.stop();
            await double.stop();
          }
          await rm(mirrorRoot, { recursive: true, force: true });
        });

        for (const cluster of settings.getConfigArray('clusters')) {
          const name = cluster.getString('name');
          const double = await startKubernetesDouble({
            port: cluster.getNumber('port'),
            token: cluster.getString('token'),
            helmOperator: true,
            operatorDelayMs,
            namespaces: [FLUX_NAMESPACE],
          });
          for (const object of fluxBootstrapObjects({
            path: cluster.getString('path'),
            branch,
            url,
          })) {
            double.objects().put(object);
          }
          const controller = new SimulatedKustomizeController({
            store: double.objects(),
            render,
          });
          controller.start(intervalMs, error =>
            logger.warn('Simulated kustomize-controller tick failed', {
              cluster: name,
              error: String(error),
            }),
          );
          running.push({ double, controller });
          logger.info('Simulated Flux cluster listening', {
            cluster: name,
            url: double.url,
          });
        }
      },
    });
  },
});
