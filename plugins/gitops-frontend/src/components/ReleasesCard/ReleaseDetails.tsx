import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsEvent,
  GitopsRelease,
  GitopsReleaseDifference,
  GitopsWithheldValues,
} from '@backstage-gitops/plugin-gitops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';
import { errorMessage } from '../shared/data';
import { describeEvent } from '../shared/events';
import { RepositoryLinks, shortSha } from '../shared/links';
import { Ago } from '../shared/time';

const show = (value: unknown) =>
  value === undefined ? 'nothing' : JSON.stringify(value);

const WITHHELD_BECAUSE: Record<GitopsWithheldValues['reason'], string> = {
  'secret-name': 'named like a secret',
  'values-from': 'valuesFrom may fill it',
  'not-in-git': 'git holds no plain value there',
};

/** One difference in words; a side the backend withheld (it may be a secret) is said to be hidden, not absent. */
function describeDifference(d: GitopsReleaseDifference): string {
  const hidden = (side: 'desired' | 'live') => d.withheld?.sides.includes(side);
  const side = (which: 'desired' | 'live') =>
    hidden(which) ? 'a value not shown' : show(d[which]);
  const why = d.withheld ? ` (${WITHHELD_BECAUSE[d.withheld.reason]})` : '';
  return `${d.path}: git wants ${side('desired')}, the cluster has ${side(
    'live',
  )}${why}`;
}

function automationOf(release: GitopsRelease): string {
  if (!release.automated) return release.locked ? 'manual, locked' : 'manual';
  const policies = [...new Set(release.images.map(i => i.policy ?? 'glob:*'))];
  return `${policies.join(', ')}${release.locked ? ', locked' : ''}`;
}

const useStyles = makeStyles({
  history: {
    '& th, & td': { padding: '4px 8px', whiteSpace: 'nowrap' },
    // Helm's descriptions can be long; they alone wrap.
    '& td:nth-child(5)': { whiteSpace: 'normal' },
  },
});

const HelmHistory = ({ release }: { release: GitopsRelease }) => {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const { environment, namespace, name } = release;
  // Read again whenever the cluster reports a new state for the release.
  const { value, loading, error } = useAsync(
    () => api.getHelmHistory({ environment, namespace, name }),
    [
      api,
      environment,
      namespace,
      name,
      release.status?.revision,
      release.status?.checkedAt,
    ],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not read the Helm history: {errorMessage(error)}
      </Typography>
    );
  }
  if (!value || value.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No Helm revisions recorded
        {release.status ? '' : ': no cluster has reported on this release yet'}.
      </Typography>
    );
  }
  return (
    <Table
      size="small"
      aria-label={`Helm history of ${environment}`}
      className={classes.history}
    >
      <TableHead>
        <TableRow>
          <TableCell>Revision</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Chart</TableCell>
          <TableCell>App version</TableCell>
          <TableCell>Description</TableCell>
          <TableCell>Deployed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {value.items.map(revision => (
          <TableRow key={revision.revision}>
            <TableCell>{revision.revision}</TableCell>
            <TableCell>{revision.status}</TableCell>
            <TableCell>
              {[revision.chartName, revision.chartVersion]
                .filter(Boolean)
                .join(' ') || '-'}
            </TableCell>
            <TableCell>{revision.appVersion ?? '-'}</TableCell>
            <TableCell>{revision.description ?? '-'}</TableCell>
            <TableCell>
              {revision.deployedAt ? <Ago at={revision.deployedAt} /> : '-'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

/**
 * What opens under a release row: where the cluster differs from git, Helm's
 * history, and what happened to the release.
 */
export const ReleaseDetails = ({
  release,
  events,
  eventsError,
  links,
}: {
  release: GitopsRelease;
  events?: GitopsEvent[];
  eventsError?: Error;
  links: RepositoryLinks;
}) => {
  const differences = release.status?.differences ?? [];
  const fileUrl = links.file(
    release.repository,
    release.commit,
    release.sourcePath,
  );
  return (
    <div style={{ padding: '8px 16px 16px' }}>
      {differences.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Where the cluster differs from git
          </Typography>
          <ul style={{ marginTop: 0 }}>
            {differences.map(d => (
              <li key={d.path}>
                <Typography variant="body2">{describeDifference(d)}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
      <Typography variant="subtitle2">
        Helm history
        {release.status?.cluster ? ` in cluster ${release.status.cluster}` : ''}
      </Typography>
      <HelmHistory release={release} />
      <Typography variant="subtitle2" style={{ marginTop: 12 }}>
        Automation and events
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Image automation: {automationOf(release)}
      </Typography>
      {eventsError && (
        <Typography variant="body2" color="error">
          Could not read the events: {errorMessage(eventsError)}
        </Typography>
      )}
      {events && events.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No events recorded for this release.
        </Typography>
      )}
      {events?.slice(0, 20).map(event => {
        const commitUrl = event.commit
          ? links.commit(event.repository ?? release.repository, event.commit)
          : undefined;
        return (
          <Typography
            key={event.id}
            variant="body2"
            data-testid="release-event"
          >
            <Ago at={event.at} />: {describeEvent(event)}
            {event.commit && (
              <>
                {' '}
                at{' '}
                {commitUrl ? (
                  <Link to={commitUrl}>{shortSha(event.commit)}</Link>
                ) : (
                  shortSha(event.commit)
                )}
              </>
            )}
            {event.message ? `, "${event.message}"` : ''}
            {event.author || event.actor
              ? ` by ${event.author ?? event.actor}`
              : ''}
          </Typography>
        );
      })}
      <Typography
        variant="caption"
        color="textSecondary"
        display="block"
        style={{ marginTop: 8 }}
      >
        Defined in{' '}
        {fileUrl ? (
          <Link to={fileUrl}>{release.sourcePath}</Link>
        ) : (
          release.sourcePath
        )}{' '}
        of {release.repository}
      </Typography>
    </div>
  );
};
