import { Link } from '@backstage/core-components';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../shared/errorMessage';
import { describeEvent } from '../shared/events';
import { ReleaseWithLinks, shortSha } from '../shared/links';
import { Ago } from '../shared/time';

/** A release's events, or why they could not be read. */
export type ReleaseEventsProps = ReleaseWithLinks & {
  events?: GitopsEvent[];
  eventsError?: Error;
};

/** The newest events of one release, each with its commit and who did it. */
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
          {event.author || event.actor
            ? ` by ${event.author ?? event.actor}`
            : ''}
        </Typography>
      );
    })}
  </>
);
