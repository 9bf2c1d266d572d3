import { Link } from '@backstage/core-components';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { describeEvent, personOf } from '../shared/events';
import { RepositoryLinks, shortSha } from '../shared/links';
import { Person } from '../shared/Person';
import { Ago } from '../shared/time';

const CommitCell = ({
  event,
  links,
}: {
  event: GitopsEvent;
  links: RepositoryLinks;
}) => {
  if (!event.commit) return null;
  const url = event.repository
    ? links.commit(event.repository, event.commit)
    : undefined;
  return (
    <>
      {url ? (
        <Link to={url}>{shortSha(event.commit)}</Link>
      ) : (
        shortSha(event.commit)
      )}
      {event.message && (
        <Typography variant="caption" color="textSecondary" display="block">
          {event.message}
        </Typography>
      )}
    </>
  );
};

/** One row per event, newest first: when, where, what, who and its commit. */
export const ActivityTable = ({
  events,
  links,
}: {
  events: GitopsEvent[];
  links: RepositoryLinks;
}) => (
  <Table size="small" aria-label="GitOps activity">
    <TableHead>
      <TableRow>
        <TableCell>When</TableCell>
        <TableCell>Environment</TableCell>
        <TableCell>Release</TableCell>
        <TableCell>What</TableCell>
        <TableCell>Who</TableCell>
        <TableCell>Commit</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {events.map(event => {
        const person = personOf(event);
        return (
          <TableRow key={event.id} data-testid="activity-event">
            <TableCell>
              <Ago at={event.at} />
            </TableCell>
            <TableCell>{event.environment}</TableCell>
            <TableCell>{event.name}</TableCell>
            <TableCell>{describeEvent(event)}</TableCell>
            <TableCell>{person && <Person name={person} />}</TableCell>
            <TableCell>
              <CommitCell event={event} links={links} />
            </TableCell>
          </TableRow>
        );
      })}
    </TableBody>
  </Table>
);
