import { mockServices } from '@backstage/backend-test-utils';
import { EventStore } from '../../database';
import {
  PruneConfirmations,
  ReconcileRequests,
  ReleaseLocks,
  ReleasePromotions,
} from '../../actions';
import { ActionPrincipals } from '../../permissions/ActionPrincipals';
import { ReleaseService } from '../ReleaseService';
import { createRouter } from '../router';

/**
 * The plugin's router with everything a read does not use left empty: for
 * tests and benchmarks of the read routes and of the route table itself.
 */
export function createReadOnlyRouter(
  reads: { releases?: ReleaseService; eventStore?: EventStore } = {},
) {
  return createRouter({
    eventStore: reads.eventStore ?? ({} as EventStore),
    releases: reads.releases ?? ({} as ReleaseService),
    sync: { trigger: async () => [] },
    reconcileRequests: {} as ReconcileRequests,
    pruneConfirmations: {} as PruneConfirmations,
    promotions: {} as ReleasePromotions,
    locks: {} as ReleaseLocks,
    actionPrincipals: new ActionPrincipals(mockServices.auth(), []),
    httpAuth: mockServices.httpAuth(),
    auth: mockServices.auth(),
    permissions: mockServices.permissions(),
    // Plain functions, not jest mocks: benchmarks run outside jest.
    auditor: {
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    },
  });
}
