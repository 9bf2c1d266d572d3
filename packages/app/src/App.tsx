import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import gitopsPlugin from '@backstage-gitops/plugin-gitops/alpha';
import { demoLandingModule } from './modules/demoLanding';
import { signInModule } from './modules/signIn';

/**
 * The demo portal: the catalog, the Kubernetes tab and the gitops cards on
 * every annotated component's overview, kept current by signals.
 */
export default createApp({
  features: [
    catalogPlugin,
    kubernetesPlugin,
    // Live cards: the gitops backend signals changes over its WebSocket.
    signalsPlugin,
    // What others did to your releases; its page gets a nav item from its icon.
    notificationsPlugin,
    gitopsPlugin,
    signInModule,
    demoLandingModule,
  ],
});
