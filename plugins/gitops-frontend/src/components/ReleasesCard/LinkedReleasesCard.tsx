import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { GITOPS_ANNOTATIONS } from '@backstage-gitops/plugin-gitops-common';
import { useActionRunner } from '../shared/actions';
import { EntityReleases } from '../shared/EntityReleases';
import { GitopsCardFrame } from '../shared/GitopsCardFrame';
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
        <EntityReleases
          entityName={entity.metadata.name}
          problems={current.problems}
          releases={current.releases}
          whenNone={
            <>
              No HelmRelease stored by git sync matches this entity's
              annotations. Releases appear here after the next sync of a config
              repository that deploys it.
            </>
          }
        >
          <ReleasesTable data={current} entityRef={entityRef} runner={runner} />
        </EntityReleases>
      )}
    </GitopsCardFrame>
  );
};
