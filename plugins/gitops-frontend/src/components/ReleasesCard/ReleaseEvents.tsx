import { Link } from '@backstage/core-components';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../shared/errorMessage';
import { describeEvent, personOf } from '../shared/events';
import { ReleaseWithLinks, shortSha } from '../shared/links';
import { Person } from '../shared/Person';
import { Ago } from '../shared/time';

/** A release's events, or why they could not be read. */
export type ReleaseEventsProps = ReleaseWithLinks & {
  events?: GitopsEvent[];
  eventsError?: Error;
};

/**
 * The newest events of one release, each with its commit and who did it:
 * the person who asked from Backstage, else the commit's author.
 */
export const ReleaseEvents = ({
  release,
  events,
  eventsError,
  links,
}: ReleaseEventsProps) => (
  <>
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
      const person = personOf(event);
      const commitUrl = event.commit
        ? links.commit(event.repository ?? release.repository, event.commit)
        : undefined;
      return (
        <Typography key={event.id} variant="body2" data-testid="release-event">
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
          {person && (
            <>
              {' '}
              by <Person name={person} />
            </>
          )}
        </Typography>
      );
    })}
  </>
);
