import {
  EmptyState,
  InfoCard,
  Progress,
  ErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';

const columns: TableColumn<GitopsEnvironment>[] = [
  { title: 'Stage', field: 'order', width: '10%' },
  { title: 'Environment', field: 'name' },
  { title: 'Cluster', field: 'cluster', emptyValue: '-' },
  { title: 'Path', field: 'path' },
];

/**
 * The promotion pipeline (dev, then stg, then prod) as git sync stored it.
 *
 * @public
 */
export const EnvironmentsCard = () => {
  const api = useApi(gitopsApiRef);
  const { value, loading, error } = useAsync(
    () => api.listEnvironments(),
    [api],
  );

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
  const environments = value?.items ?? [];
  if (environments.length === 0) {
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
    <Table<GitopsEnvironment>
      title="GitOps environments"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={environments}
    />
  );
};
