import {
  GitopsProblem,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { CardMessage } from './CardMessage';
import { PartialErrors } from './PartialErrors';

/**
 * An entity's releases under the problems that make them partial, or, when
 * git sync recorded none, why not: both cards show their releases this way.
 */
export const EntityReleases = ({
  entityName,
  problems,
  releases,
  whenNone,
  children,
}: {
  entityName: string;
  problems: GitopsProblem[];
  releases: GitopsRelease[];
  /** Why a card can have no releases of the entity yet. */
  whenNone: ReactNode;
  children: ReactNode;
}) => (
  <>
    <PartialErrors problems={problems} releases={releases} />
    {releases.length === 0 ? (
      <CardMessage title={`No releases of ${entityName} recorded yet`}>
        <Typography variant="body2" color="textSecondary">
          {whenNone}
        </Typography>
      </CardMessage>
    ) : (
      children
    )}
  </>
);
