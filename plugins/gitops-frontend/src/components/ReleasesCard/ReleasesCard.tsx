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
  GitopsEvent,
  GitopsHelmRevision,
  GitopsRelease,
  GitopsReleaseImage,
  GITOPS_ANNOTATIONS,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';
import { ProblemsPanel } from '../ProblemsPanel';
import { ReleaseStatus } from '../ReleaseStatus';

type ReleaseRow = GitopsRelease & { history?: GitopsHelmRevision[] };

const short = (sha: string) => sha.slice(0, 8);

/** What the registry offers beyond what git holds, or why it cannot tell. */
const ImageStatusLine = ({ image }: { image: GitopsReleaseImage }) => {
  const status = image.status;
  if (!status) return null;
  if (status.error) {
    return (
      <Typography variant="caption" color="error" title={status.checkedAt}>
        registry: {status.error}
      </Typography>
    );
  }
  if (status.latestTag && status.latestTag !== image.tag) {
    return (
      <Typography variant="caption" color="primary" title={status.reason}>
        update available: {status.latestTag}
      </Typography>
    );
  }
  return null;
};

const columns: TableColumn<ReleaseRow>[] = [
  {
    title: 'Environment',
    render: r => (
      <>
        <Typography variant="body2">{r.environment}</Typography>
        <Typography variant="caption" color="textSecondary">
          {r.namespace}/{r.releaseName}
        </Typography>
      </>
    ),
  },
  {
    title: 'Chart',
    render: r => `${r.chartName}${r.chartVersion ? ` ${r.chartVersion}` : ''}`,
  },
  {
    title: 'Images',
    render: r =>
      r.images.map(image => (
        <div key={image.container}>
          <Typography variant="body2">
            {image.repository}:{image.tag}
            {image.policy && r.automated ? ` (${image.policy})` : ''}
          </Typography>
          <ImageStatusLine image={image} />
        </div>
      )),
  },
  {
    title: 'Automation',
    render: r => {
      if (!r.automated) return 'manual';
      return r.locked ? 'locked' : 'automated';
    },
  },
  {
    title: 'Cluster',
    render: r => <ReleaseStatus status={r.status} history={r.history} />,
  },
  {
    title: 'Commit',
    render: r => (
      <span title={`${r.sourcePath} at ${r.commit}`}>{short(r.commit)}</span>
    ),
  },
];

function describe(event: GitopsEvent): string {
  const where = event.name
    ? `${event.environment} ${event.namespace}/${event.name}`
    : `repository ${event.repository}`;
  switch (event.type) {
    case 'release-added':
      return `${where} added`;
    case 'release-removed':
      return `${where} removed`;
    case 'release-updated':
      return `${where} changed`;
    case 'synced':
      return `synced ${where}`;
    case 'sync-requested':
      return `sync of ${where} requested by ${event.actor}`;
    case 'image-updated': {
      const d = (event.details ?? {}) as { image?: string; from?: string; to?: string };
      return `${where}: ${d.image} ${d.from} -> ${d.to}`;
    }
    case 'automation-failed':
      return `image automation of ${where} failed`;
    case 'release-state': {
      const d = (event.details ?? {}) as { to?: string; cluster?: string };
      return `${where} is ${d.to} in cluster ${d.cluster}`;
    }
    case 'reconcile-requested':
      return `reconcile of ${where} requested by ${event.actor}`;
    default:
      return `${event.type} ${where}`;
  }
}

/**
 * What runs of this entity in each environment, with the commit that put
 * it there and what happened recently.
 *
 * @public
 */
export const ReleasesCard = () => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(async () => {
    const [releases, events, environments] = await Promise.all([
      api.listReleases(entityRef),
      api.listEvents(entityRef),
      api.listEnvironments(),
    ]);
    // Pipeline order (dev, stg, prod), not alphabetical.
    const order = new Map(environments.items.map(e => [e.name, e.order]));
    const stage = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
    releases.items.sort(
      (a, b) =>
        stage(a.environment) - stage(b.environment) ||
        a.environment.localeCompare(b.environment),
    );
    // Histories are small and stored by the backend; one read per release.
    const rows: ReleaseRow[] = await Promise.all(
      releases.items.map(async release => {
        if (!release.status) return release;
        const history = await api.getHelmHistory(release).catch(() => undefined);
        return { ...release, history: history?.items };
      }),
    );
    return { releases, rows, events };
  }, [api, entityRef]);

  const annotations = entity.metadata.annotations ?? {};
  const links = GITOPS_ANNOTATIONS.filter(name => annotations[name]).map(
    name => `${name}: ${annotations[name]}`,
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ErrorPanel error={error} />;
  } else if (!value || value.releases.items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={`No releases of ${entity.metadata.name} recorded yet`}
        description="No HelmRelease stored by git sync matches this entity's annotations. Releases appear here after the next sync of a config repository that deploys it."
      />
    );
  } else {
    body = (
      <>
        <ProblemsPanel problems={value.releases.problems} />
        <Table<ReleaseRow>
          options={{ paging: false, search: false, padding: 'dense', toolbar: false }}
          columns={columns}
          data={value.rows}
        />
        {value.events.items.length > 0 && (
          <>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              Recent events
            </Typography>
            {value.events.items.slice(0, 10).map(event => (
              <Typography key={event.id} variant="body2" color="textSecondary">
                {new Date(event.at).toLocaleString()}: {describe(event)}
                {event.commit ? ` at ${short(event.commit)}` : ''}
                {event.message ? `, "${event.message}"` : ''}
                {event.author ? ` by ${event.author}` : ''}
              </Typography>
            ))}
          </>
        )}
      </>
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
