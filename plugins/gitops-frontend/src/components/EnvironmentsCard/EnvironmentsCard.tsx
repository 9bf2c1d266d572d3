import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isGitopsAvailable } from '../../isGitopsAvailable';
import { NotLinked } from '../shared/NotLinked';
import { LinkedEnvironmentsCard } from './LinkedEnvironmentsCard';

/**
 * The promotion pipeline (dev, then stg, then prod) drawn left to right:
 * what each stage runs of this entity, under which policy, what the
 * registry offers, and how it compares with the stage before. Stages after
 * the first can be promoted; automation can be locked and unlocked.
 *
 * @public
 */
export const EnvironmentsCard = () => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <InfoCard title="GitOps environments">
        <NotLinked entity={entity} />
      </InfoCard>
    );
  }
  return <LinkedEnvironmentsCard entity={entity} />;
};
