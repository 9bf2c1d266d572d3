import { useMemo, useState } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ErrorPanel, InfoCard, Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { GitopsData, useEntityActivity, useEntityReleases } from '../../hooks';
import { errorMessage } from '../shared/errorMessage';
import { useRepositoryLinks } from '../shared/useRepositoryLinks';
import { ActivityTable } from './ActivityTable';
import { EnvironmentFilter } from './EnvironmentFilter';

/** The environments the entity has releases in, in pipeline order. */
function environmentsOf(data?: GitopsData): string[] {
  if (!data) return [];
  const used = new Set(data.releases.map(r => r.environment));
  const ordered = data.environments
    .map(e => e.name)
    .filter(name => used.has(name));
  return [...ordered, ...[...used].filter(name => !ordered.includes(name))];
}

/** The activity view of an entity that carries a gitops annotation. */
export const LinkedActivity = ({ entity }: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(entity);
  const [environment, setEnvironment] = useState('');
  // Shared with the page's cards: the environments to filter by, and links.
  const releases = useEntityReleases(entityRef);
  const activity = useEntityActivity(entityRef, environment || undefined);
  const links = useRepositoryLinks(releases.value?.repositories);
  const environments = useMemo(
    () => environmentsOf(releases.value),
    [releases.value],
  );
  const { events, error } = activity;

  let body;
  if (error && !events) {
    body = (
      <ErrorPanel
        title={`The gitops backend could not be read: ${errorMessage(error)}`}
        error={error}
      />
    );
  } else if (!events) {
    body = <Progress />;
  } else if (events.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No activity recorded for the releases of {entity.metadata.name}
        {environment ? ` in ${environment}` : ''} yet.
      </Typography>
    );
  } else {
    body = <ActivityTable events={events} links={links} />;
  }

  return (
    <InfoCard
      title="GitOps activity"
      subheader="Promotions, commits, locks and state changes of this entity's releases, newest first"
      action={
        <EnvironmentFilter
          environments={
            environment && !environments.includes(environment)
              ? [...environments, environment]
              : environments
          }
          value={environment}
          onChange={setEnvironment}
        />
      }
    >
      {activity.loading && events && (
        <LinearProgress style={{ marginBottom: 4 }} />
      )}
      {body}
      {error && events && (
        <Typography variant="body2" color="error">
          Could not read older events: {errorMessage(error)}
        </Typography>
      )}
      {activity.hasOlder && (
        <Button
          size="small"
          style={{ marginTop: 8 }}
          disabled={activity.loadingOlder}
          onClick={activity.loadOlder}
        >
          Show older events
        </Button>
      )}
    </InfoCard>
  );
};
