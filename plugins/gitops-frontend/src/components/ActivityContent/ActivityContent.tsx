import { WhenLinked } from '../shared/WhenLinked';
import { LinkedActivity } from './LinkedActivity';

/**
 * What happened to the entity's releases in every environment, newest
 * first: promotions, commits (image automation's and people's), locks and
 * unlocks, and state changes in the clusters, each with who, when and its
 * commit; filterable by environment. Meant for an entity page tab.
 *
 * @public
 */
export const ActivityContent = () => (
  <WhenLinked title="GitOps activity">
    {entity => <LinkedActivity entity={entity} />}
  </WhenLinked>
);
