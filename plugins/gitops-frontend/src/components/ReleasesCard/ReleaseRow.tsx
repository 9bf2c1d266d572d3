import { useState } from 'react';
import {
  GitopsEnvironment,
  GitopsEvent,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import { ActionRunner } from '../shared/actions';
import { changedByOf, eventsOf } from '../shared/events';
import { ExpandMoreIcon } from '../shared/icons';
import { RepositoryLinks } from '../shared/links';
import { DeploymentCell } from './DeploymentCell';
import { ReconcileButton } from './ReconcileButton';
import { ReleaseCell } from './ReleaseCell';
import { ReleaseDetails } from './ReleaseDetails';
import { ReleaseStateCell } from './ReleaseStateCell';

const useStyles = makeStyles({
  row: {
    '& > td': { verticalAlign: 'top', borderBottom: 'none' },
  },
  expand: { transition: 'transform 150ms' },
  expanded: { transform: 'rotate(180deg)' },
});

/** A release in one environment, opening into its details. */
export const ReleaseRow = ({
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
  const [open, setOpen] = useState(false);
  const releaseEvents = events && eventsOf(release, events);

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
          <ReleaseStateCell release={release} links={links} />
        </TableCell>
        <TableCell>
          <ReleaseCell
            release={release}
            cluster={release.status?.cluster ?? environment?.cluster}
          />
        </TableCell>
        <TableCell>
          <DeploymentCell
            release={release}
            links={links}
            changedBy={releaseEvents && changedByOf(release, releaseEvents)}
          />
        </TableCell>
        <TableCell align="right">
          <ReconcileButton
            release={release}
            entityRef={entityRef}
            runner={runner}
          />
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={5} style={{ padding: 0 }}>
          <Collapse in={open} unmountOnExit>
            <ReleaseDetails
              release={release}
              events={releaseEvents}
              eventsError={eventsError}
              links={links}
            />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};
