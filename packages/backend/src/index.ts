import { createBackend } from '@backstage/backend-defaults';
import { demoKubernetesCluster } from './demoKubernetesCluster';

// Only what the product needs: the app, guest sign-in for the demo, the
// catalog, permissions, the Kubernetes tab's backend and the gitops plugin.
const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
// The demo lets every signed-in user act; production installs its own policy
// over the gitops permissions (see plugins/gitops-backend/README.md).
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage-gitops/plugin-gitops-backend'));
// The demo's simulated cluster; idle unless gitopsDemo.simulatedCluster.port is set.
backend.add(demoKubernetesCluster);

backend.start();
