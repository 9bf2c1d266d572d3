import {
  EmptyState,
  ErrorPanel,
  InfoCard,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  GitopsEnvironment,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';

type Stage = GitopsEnvironment & { releases: GitopsRelease[] };

const columns: TableColumn<Stage>[] = [
  { title: 'Stage', field: 'order', width: '10%' },
  { title: 'Environment', field: 'name' },
  {
    title: 'Running (per git)',
    render: stage =>
      stage.releases.length === 0
        ? '-'
        : stage.releases.flatMap(r =>
            r.images.map(image => (
              <Typography key={`${r.name}/${image.container}`} variant="body2">
                {image.tag}
              </Typography>
            )),
          ),
  },
  {
    title: 'Policy',
    render: stage =>
      stage.releases.flatMap(r =>
        r.images.map(image => (
          <Typography key={`${r.name}/${image.container}`} variant="body2">
            {r.automated
              ? `${image.policy ?? 'glob:*'}${r.locked ? ' (locked)' : ''}`
              : 'manual'}
          </Typography>
        )),
      ),
  },
  {
    title: 'Registry offers',
    render: stage =>
      stage.releases.flatMap(r =>
        r.images.map(image => (
          <Typography
            key={`${r.name}/${image.container}`}
            variant="body2"
            color={image.status?.error ? 'error' : 'initial'}
            title={image.status?.error ?? image.status?.reason}
          >
            {image.status?.error
              ? 'unreachable'
              : image.status?.latestTag ?? '-'}
          </Typography>
        )),
      ),
  },
  { title: 'Cluster', field: 'cluster', emptyValue: '-' },
];

/**
 * The promotion pipeline (dev, then stg, then prod) and what each stage
 * runs of this entity, as git sync stored it.
 *
 * @public
 */
export const EnvironmentsCard = () => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(async () => {
    const [environments, releases] = await Promise.all([
      api.listEnvironments(),
      api.listReleases(entityRef),
    ]);
    return environments.items.map(env => ({
      ...env,
      releases: releases.items.filter(r => r.environment === env.name),
    }));
  }, [api, entityRef]);

  if (loading) {
    return (
      <InfoCard title="GitOps environments">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="GitOps environments">
        <ErrorPanel error={error} />
      </InfoCard>
    );
  }
  if (!value || value.length === 0) {
    return (
      <InfoCard title="GitOps environments">
        <EmptyState
          missing="data"
          title="No environments synced yet"
          description="Git sync has not stored the pipeline of any config repository. Environments appear here after the first sync of a repository listed under gitops.repositories."
        />
      </InfoCard>
    );
  }
  return (
    <Table<Stage>
      title="GitOps environments"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={value}
    />
  );
};
