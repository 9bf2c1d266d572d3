import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { useEntityReleases } from '../../hooks';
import { useActionRunner } from '../shared/actions';
import { CardMessage } from '../shared/CardMessage';
import { EntityReleases } from '../shared/EntityReleases';
import { GitopsCardFrame } from '../shared/GitopsCardFrame';
import { Pipeline } from './Pipeline';

/** The environments card of an entity that carries a gitops annotation. */
export const LinkedEnvironmentsCard = ({ entity }: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(entity);
  const data = useEntityReleases(entityRef);
  const runner = useActionRunner();

  return (
    <GitopsCardFrame title="GitOps environments" data={data} runner={runner}>
      {value => {
        if (value.environments.length === 0) {
          return (
            <CardMessage title="No environments synced yet">
              <Typography variant="body2" color="textSecondary">
                Git sync has not stored the pipeline of any config repository.
                Environments appear here after the first sync of a repository
                listed under gitops.repositories.
              </Typography>
            </CardMessage>
          );
        }
        return (
          <EntityReleases
            entityName={entity.metadata.name}
            problems={value.problems}
            releases={value.releases}
            whenNone={`None of the environments (${value.environments
              .map(e => e.name)
              .join(' -> ')}) deploys this entity according to git sync.`}
          >
            <Pipeline data={value} entityRef={entityRef} runner={runner} />
          </EntityReleases>
        );
      }}
    </GitopsCardFrame>
  );
};
