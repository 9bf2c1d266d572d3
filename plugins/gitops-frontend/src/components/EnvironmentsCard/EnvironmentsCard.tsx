import { WhenLinked } from '../shared/WhenLinked';
import { LinkedEnvironmentsCard } from './LinkedEnvironmentsCard';

/**
 * The promotion pipeline (dev, then stg, then prod) drawn left to right:
 * what each stage runs of this entity, under which policy, what the
 * registry offers, and how it compares with the stage before. Stages after
 * the first can be promoted; automation can be locked and unlocked.
 *
 * @public
 */
export const EnvironmentsCard = () => (
  <WhenLinked title="GitOps environments">
    {entity => <LinkedEnvironmentsCard entity={entity} />}
  </WhenLinked>
);
