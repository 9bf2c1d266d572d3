import {
  EmptyState,
  InfoCard,
  Progress,
  ErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { GITOPS_ANNOTATIONS } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';

/**
 * What runs of this entity in each environment.
 *
 * @public
 */
export const ReleasesCard = () => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const { value, loading, error } = useAsync(
    () => api.listEnvironments(),
    [api],
  );
  const annotations = entity.metadata.annotations ?? {};
  const links = GITOPS_ANNOTATIONS.filter(name => annotations[name]).map(
    name => `${name}: ${annotations[name]}`,
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ErrorPanel error={error} />;
  } else {
    const count = value?.items.length ?? 0;
    body = (
      <EmptyState
        missing="data"
        title={`No releases of ${entity.metadata.name} recorded yet`}
        description={
          count === 0
            ? 'No config repository has been synced, so no HelmRelease is known yet.'
            : `Git sync knows ${count} environment(s); none of their stored HelmReleases matches this entity.`
        }
      />
    );
  }

  return (
    <InfoCard title="GitOps releases">
      {links.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Linked by {links.join(', ')}
        </Typography>
      )}
      {body}
    </InfoCard>
  );
};
