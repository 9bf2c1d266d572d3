import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isGitopsAvailable } from '../../isGitopsAvailable';
import { NotLinked } from './NotLinked';

/**
 * A card of the current entity when it carries a gitops annotation; for an
 * entity that carries none, a card of that title saying how to link it,
 * without asking the backend.
 */
export const WhenLinked = ({
  title,
  children,
}: {
  title: string;
  children: (entity: Entity) => ReactNode;
}) => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <InfoCard title={title}>
        <NotLinked entity={entity} />
      </InfoCard>
    );
  }
  return <>{children(entity)}</>;
};
