import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isGitopsAvailable } from '../../isGitopsAvailable';
import { NotLinked } from '../shared/NotLinked';
import { LinkedReleasesCard } from './LinkedReleasesCard';

/**
 * What runs of this entity in each environment: the state in its cluster,
 * chart, image, Helm revision and the commit that put it there. A row opens
 * into Helm's history and the events of that release.
 *
 * @public
 */
export const ReleasesCard = () => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <InfoCard title="GitOps releases">
        <NotLinked entity={entity} />
      </InfoCard>
    );
  }
  return <LinkedReleasesCard entity={entity} />;
};
