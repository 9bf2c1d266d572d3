import { createBackend } from '@backstage/backend-defaults';
import { gitopsEventsModule } from '@backstage-gitops/plugin-gitops-backend';
import { demoFluxClusters } from './demoFluxClusters';
import { demoKubernetesCluster } from './demoKubernetesCluster';
import { demoPermissionPolicyModule } from './permissionPolicy';

// Only what the product needs: the app, guest sign-in for the demo, the
// catalog, permissions, the Kubernetes tab's backend and the gitops plugin.
const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
// Release changes are for the owners of the entity; see permissionPolicy.ts
// and the Permissions section of plugins/gitops-backend/README.md.
backend.add(demoPermissionPolicyModule);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage-gitops/plugin-gitops-backend'));
// Webhooks and registry notifications run gitops syncs and scans at once:
// the events backend's HTTP ingress (/api/events/http/<topic>), GitHub's and
// GitLab's signature checks and push routing, Bitbucket Cloud's routing, and
// the gitops module (registry ingress, Bitbucket Cloud's signature check).
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));
backend.add(import('@backstage/plugin-events-backend-module-bitbucket-cloud'));
backend.add(gitopsEventsModule);
// Pushes the gitops backend's change signals to open cards (needs the events
// service, which events-node provides by default).
backend.add(import('@backstage/plugin-signals-backend'));
// The owners of an entity hear what others (and the loops) did to its
// releases: the gitops backend sends through it when it runs here.
backend.add(import('@backstage/plugin-notifications-backend'));
// The demo's simulated cluster; idle unless gitopsDemo.simulatedCluster.port is set.
backend.add(demoKubernetesCluster);
// The Flux v2 demo's staging and production clusters, with a simulated Flux
// applying the fleet repository; idle unless gitopsDemo.fluxClusters is set.
backend.add(demoFluxClusters);

backend.start();
