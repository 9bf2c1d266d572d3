import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { GITOPS_ANNOTATIONS } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { useActionRunner } from '../shared/actions';
import { CardMessage } from '../shared/CardMessage';
import { GitopsCardFrame } from '../shared/GitopsCardFrame';
import { PartialErrors } from '../shared/PartialErrors';
import { ReleasesTable } from './ReleasesTable';
import { SyncNowButton } from './SyncNowButton';
import { useReleasesCardData } from './useReleasesCardData';

/** "gitops.backstage.io/helm-chart: podinfo", for each annotation set. */
function linkedBy(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  return GITOPS_ANNOTATIONS.filter(name => annotations[name]?.trim())
    .map(name => `${name}: ${annotations[name]}`)
    .join(', ');
}

/** The releases card of an entity that carries a gitops annotation. */
export const LinkedReleasesCard = ({ entity }: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(entity);
  const data = useReleasesCardData(entityRef);
  const runner = useActionRunner();
  const annotations = linkedBy(entity);

  return (
    <GitopsCardFrame
      title="GitOps releases"
      subheader={annotations ? `Linked by ${annotations}` : undefined}
      action={<SyncNowButton releases={data.value?.releases} runner={runner} />}
      data={data}
      runner={runner}
    >
      {current => (
        <>
          <PartialErrors
            problems={current.problems}
            releases={current.releases}
          />
          {current.releases.length === 0 ? (
            <CardMessage
              title={`No releases of ${entity.metadata.name} recorded yet`}
            >
              <Typography variant="body2" color="textSecondary">
                No HelmRelease stored by git sync matches this entity's
                annotations. Releases appear here after the next sync of a
                config repository that deploys it.
              </Typography>
            </CardMessage>
          ) : (
            <ReleasesTable
              data={current}
              entityRef={entityRef}
              runner={runner}
            />
          )}
        </>
      )}
    </GitopsCardFrame>
  );
};
