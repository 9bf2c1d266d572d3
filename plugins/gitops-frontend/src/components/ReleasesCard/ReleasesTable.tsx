import { stringifyGitopsReleaseRef } from '@backstage-gitops/plugin-gitops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import { Freshness } from '../shared/Freshness';
import { CardBodyProps } from '../shared/GitopsCardFrame';
import { useRepositoryLinks } from '../shared/useRepositoryLinks';
import { ReleaseRow } from './ReleaseRow';

const useStyles = makeStyles(theme => ({
  table: {
    tableLayout: 'fixed',
    '& td, & th': {
      paddingLeft: theme.spacing(1),
      paddingRight: theme.spacing(1),
    },
    '& td': { overflowWrap: 'anywhere' },
  },
}));

/** One row per release, in pipeline order, and how fresh the git data is. */
export const ReleasesTable = ({ data, entityRef, runner }: CardBodyProps) => {
  const classes = useStyles();
  const links = useRepositoryLinks(data.repositories);
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
