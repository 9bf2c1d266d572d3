import { WhenLinked } from '../shared/WhenLinked';
import { LinkedReleasesCard } from './LinkedReleasesCard';

/**
 * What runs of this entity in each environment: the state in its cluster,
 * chart, image, Helm revision and the commit that put it there. A row opens
 * into Helm's history and the events of that release.
 *
 * @public
 */
export const ReleasesCard = () => (
  <WhenLinked title="GitOps releases">
    {entity => <LinkedReleasesCard entity={entity} />}
  </WhenLinked>
);
