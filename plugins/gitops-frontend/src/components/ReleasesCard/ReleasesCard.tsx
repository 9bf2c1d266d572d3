import { Fragment, useMemo, useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  GitopsEnvironment,
  GitopsEvent,
  GitopsRelease,
  gitopsReconcilePermission,
  gitopsSyncPermission,
  GITOPS_ANNOTATIONS,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { gitopsApiRef } from '../../api';
import { isGitopsAvailable } from '../../isGitopsAvailable';
import {
  ActionRunner,
  PermittedButton,
  useActionRunner,
} from '../shared/actions';
import { CardMessage } from '../shared/CardMessage';
import { GitopsData, useGitopsData } from '../shared/data';
import { eventsOf } from '../shared/events';
import { Freshness } from '../shared/Freshness';
import { GitopsCardFrame } from '../shared/GitopsCardFrame';
import { ExpandMoreIcon } from '../shared/icons';
import { RepositoryLinks, repositoryLinks, shortSha } from '../shared/links';
import { NotLinked } from '../shared/NotLinked';
import { PartialErrors } from '../shared/PartialErrors';
import { SourceProblemNote } from '../shared/SourceProblemNote';
import { StatusChip } from '../shared/StatusChip';
import { Ago } from '../shared/time';
import { ReleaseDetails } from './ReleaseDetails';

const useStyles = makeStyles(theme => ({
  table: {
    tableLayout: 'fixed',
    '& td, & th': {
      paddingLeft: theme.spacing(1),
      paddingRight: theme.spacing(1),
    },
    '& td': { overflowWrap: 'anywhere' },
  },
  row: {
    '& > td': { verticalAlign: 'top', borderBottom: 'none' },
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  expand: { transition: 'transform 150ms' },
  expanded: { transform: 'rotate(180deg)' },
}));

/** `repository:tag`, allowed to wrap after its slashes and the colon only. */
const ImageRef = ({ repository, tag }: { repository: string; tag: string }) => (
  <>
    {repository.split('/').map((part, index) => (
      <Fragment key={index}>
        {index > 0 && (
          <>
            /<wbr />
          </>
        )}
        {part}
      </Fragment>
    ))}
    :<wbr />
    {tag}
  </>
);

const ReleaseRow = ({
  release,
  environment,
  events,
  eventsError,
  links,
  entityRef,
  runner,
}: {
  release: GitopsRelease;
  environment?: GitopsEnvironment;
  events?: GitopsEvent[];
  eventsError?: Error;
  links: RepositoryLinks;
  entityRef: string;
  runner: ActionRunner;
}) => {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const [open, setOpen] = useState(false);
  const { status } = release;
  const cluster = status?.cluster ?? environment?.cluster;
  const key = stringifyGitopsReleaseRef(release);
  const commitUrl = links.commit(release.repository, release.commit);

  const reconcile = () =>
    runner.run(
      `reconcile ${key}`,
      async () => {
        const result = await api.reconcile({ ...release, entityRef });
        return {
          severity: 'success',
          text: `Reconcile of ${release.name} in ${release.environment} requested on cluster ${result.cluster}`,
        };
      },
      { failure: `Could not reconcile ${release.environment}` },
    );

  return (
    <>
      <TableRow
        className={classes.row}
        data-testid={`release-${release.environment}`}
      >
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} history of ${
              release.environment
            }`}
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            <ExpandMoreIcon
              fontSize="small"
              className={`${classes.expand} ${open ? classes.expanded : ''}`}
            />
          </IconButton>
        </TableCell>
        <TableCell>
          <div className={classes.heading}>
            <Typography variant="subtitle2">{release.environment}</Typography>
            {status && <StatusChip status={status} />}
          </div>
          {status ? (
            <Typography variant="caption" color="textSecondary" display="block">
              {status.reason}
            </Typography>
          ) : (
            <Typography variant="caption" color="textSecondary" display="block">
              Not reconciled yet: no cluster has reported on this release.
            </Typography>
          )}
          {status?.stale && (
            <Typography
              variant="caption"
              color="error"
              display="block"
              title={status.stale.error}
            >
              Last known state {status.state}, <Ago at={status.checkedAt} />; no
              answer since <Ago at={status.stale.at} />.
            </Typography>
          )}
          <SourceProblemNote release={release} links={links} />
        </TableCell>
        <TableCell>
          <Typography variant="body2">
            {release.name}
            {release.releaseName !== release.name
              ? ` (Helm release ${release.releaseName})`
              : ''}
          </Typography>
          <Typography variant="caption" color="textSecondary" display="block">
            {`namespace ${release.namespace}${
              cluster ? `, cluster ${cluster}` : ''
            }`}
          </Typography>
          <Typography variant="body2">
            {`chart ${release.chartName}${
              release.chartVersion ? ` ${release.chartVersion}` : ''
            }`}
          </Typography>
          {release.images.map(image => (
            <div key={image.container}>
              <Typography variant="body2">
                <ImageRef repository={image.repository} tag={image.tag} />
              </Typography>
              {image.status?.error ? (
                <Typography variant="caption" color="error" display="block">
                  {`registry: ${image.status.error}`}
                </Typography>
              ) : (
                image.status?.latestTag &&
                image.status.latestTag !== image.tag && (
                  <Typography
                    variant="caption"
                    color="primary"
                    display="block"
                    title={image.status.reason}
                  >
                    {`update available: ${image.status.latestTag}`}
                  </Typography>
                )
              )}
            </div>
          ))}
        </TableCell>
        <TableCell>
          <Typography variant="body2">
            {status?.revision !== undefined
              ? `Helm revision ${status.revision}`
              : 'No Helm revision'}
          </Typography>
          {status?.deployedAt && (
            <Typography variant="caption" color="textSecondary" display="block">
              deployed <Ago at={status.deployedAt} />
            </Typography>
          )}
          <Typography
            variant="caption"
            color="textSecondary"
            display="block"
            title={`${release.sourcePath} at ${release.commit}`}
          >
            commit{' '}
            {commitUrl ? (
              <Link to={commitUrl}>{shortSha(release.commit)}</Link>
            ) : (
              shortSha(release.commit)
            )}
          </Typography>
        </TableCell>
        <TableCell align="right">
          <PermittedButton
            permission={{
              permission: gitopsReconcilePermission,
              resourceRef: stringifyGitopsReleaseRef({ ...release, entityRef }),
            }}
            label={`Reconcile ${release.environment}`}
            deniedTitle={`You may not reconcile ${release.environment}`}
            busy={runner.running === `reconcile ${key}`}
            disabled={Boolean(runner.running)}
            onClick={reconcile}
          >
            Reconcile
          </PermittedButton>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={5} style={{ padding: 0 }}>
          <Collapse in={open} unmountOnExit>
            <ReleaseDetails
              release={release}
              events={events && eventsOf(release, events)}
              eventsError={eventsError}
              links={links}
            />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};

const ReleasesTable = ({
  data,
  entityRef,
  runner,
}: {
  data: GitopsData;
  entityRef: string;
  runner: ActionRunner;
}) => {
  const classes = useStyles();
  const links = useMemo(
    () => repositoryLinks(data.repositories),
    [data.repositories],
  );
  const environments = new Map(data.environments.map(e => [e.name, e]));
  return (
    <>
      <Table size="small" aria-label="Releases" className={classes.table}>
        {/* Fixed widths: a long reason wraps in its column instead of
            squeezing the others. */}
        <colgroup>
          <col style={{ width: 40 }} />
          <col style={{ width: '34%' }} />
          <col style={{ width: '36%' }} />
          <col style={{ width: '30%' }} />
          <col style={{ width: 120 }} />
        </colgroup>
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Environment</TableCell>
            <TableCell>Release</TableCell>
            <TableCell>Deployed</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {data.releases.map(release => (
            <ReleaseRow
              key={stringifyGitopsReleaseRef(release)}
              release={release}
              environment={environments.get(release.environment)}
              events={data.events}
              eventsError={data.eventsError}
              links={links}
              entityRef={entityRef}
              runner={runner}
            />
          ))}
        </TableBody>
      </Table>
      <Freshness
        repositories={data.repositories}
        releases={data.releases}
        links={links}
      />
    </>
  );
};

const LinkedReleasesCard = ({ entity }: { entity: Entity }) => {
  const api = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const data = useGitopsData(entityRef, { events: true });
  const { value } = data;
  const runner = useActionRunner();

  const annotations = entity.metadata.annotations ?? {};
  const linkedBy = GITOPS_ANNOTATIONS.filter(name => annotations[name]?.trim())
    .map(name => `${name}: ${annotations[name]}`)
    .join(', ');

  const syncNow = () => {
    // The entity's own repository when it has one; all of them otherwise.
    const repositories = [
      ...new Set(value?.releases.map(r => r.repository) ?? []),
    ];
    const only = repositories.length === 1 ? repositories[0] : undefined;
    runner.run(
      'sync',
      async () => {
        const result = await api.syncNow(only);
        return {
          severity: 'success',
          text: `Sync of ${
            result.repositories.join(', ') || 'every repository'
          } requested by ${result.requestedBy}`,
        };
      },
      { failure: 'Could not start a sync' },
    );
  };

  return (
    <GitopsCardFrame
      title="GitOps releases"
      subheader={linkedBy ? `Linked by ${linkedBy}` : undefined}
      action={
        <PermittedButton
          permission={{ permission: gitopsSyncPermission }}
          deniedTitle="You may not start a gitops sync"
          busy={runner.running === 'sync'}
          disabled={Boolean(runner.running)}
          onClick={syncNow}
          style={{ marginTop: 8, marginRight: 8 }}
        >
          Sync now
        </PermittedButton>
      }
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
