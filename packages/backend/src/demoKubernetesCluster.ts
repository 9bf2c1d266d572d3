import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { startKubernetesDouble } from '@backstage-gitops/kubernetes-double';

// Long enough for the UI to show a release as progressing before it lands.
const DEFAULT_OPERATOR_DELAY_MS = 2000;

/**
 * Serves the demo's "demo (simulated)" cluster: the Kubernetes double on
 * loopback, with its simulated Helm operator, for as long as the backend
 * runs. Nothing starts unless `gitopsDemo.simulatedCluster.port` is set.
 *
 * A module of the gitops plugin because modules start before their plugin,
 * so the cluster is listening by the time the plugin first reconciles.
 */
export const demoKubernetesCluster = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'demo-simulated-cluster',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const settings = config.getOptionalConfig(
          'gitopsDemo.simulatedCluster',
        );
        const port = settings?.getOptionalNumber('port');
        if (!settings || port === undefined) return;

        const double = await startKubernetesDouble({
          port,
          token: settings.getString('token'),
          helmOperator: true,
          operatorDelayMs:
            settings.getOptionalNumber('operatorDelayMs') ??
            DEFAULT_OPERATOR_DELAY_MS,
        });
        lifecycle.addShutdownHook(() => double.stop());
        logger.info('Simulated Kubernetes cluster listening', {
          url: double.url,
        });
      },
    });
  },
});
