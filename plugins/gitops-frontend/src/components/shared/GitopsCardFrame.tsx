import { ReactNode } from 'react';
import { ErrorPanel, InfoCard, Progress } from '@backstage/core-components';
import LinearProgress from '@material-ui/core/LinearProgress';
import { ActionRunner, OutcomeAlert } from './actions';
import { GitopsData } from '../../hooks';
import { errorMessage } from './errorMessage';

/** What a card passes to the body it shows once the backend has answered. */
export type CardBodyProps = {
  data: GitopsData;
  entityRef: string;
  runner: ActionRunner;
};

/**
 * What both cards do around their content: wait for the backend's first
 * answer, say when it cannot be read, show a thin bar while a reload keeps
 * the old answer on screen, and the outcome of the last action.
 */
export const GitopsCardFrame = ({
  title,
  subheader,
  action,
  data,
  runner,
  children,
}: {
  title: string;
  subheader?: string;
  action?: ReactNode;
  data: { value?: GitopsData; loading: boolean; error?: Error };
  runner: ActionRunner;
  /** The card's content once the backend has answered. */
  children: (value: GitopsData) => ReactNode;
}) => {
  const { value, loading, error } = data;
  let body;
  if (error) {
    body = (
      <ErrorPanel
        title={`The gitops backend could not be read: ${errorMessage(error)}`}
        error={error}
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else {
    body = children(value);
  }
  return (
    <InfoCard title={title} subheader={subheader} action={action}>
      {loading && value && <LinearProgress style={{ marginBottom: 4 }} />}
      <OutcomeAlert outcome={runner.outcome} onClose={runner.clear} />
      {body}
    </InfoCard>
  );
};
