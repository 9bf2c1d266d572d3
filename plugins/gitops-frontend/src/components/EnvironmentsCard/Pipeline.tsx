import { Fragment, useState } from 'react';
import {
  GitopsPromotion,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import { makeStyles } from '@material-ui/core/styles';
import { Freshness } from '../shared/Freshness';
import { CardBodyProps } from '../shared/GitopsCardFrame';
import { ArrowForwardIcon } from '../shared/icons';
import { useRepositoryLinks } from '../shared/useRepositoryLinks';
import { promotionOutcome } from './promotionOutcome';
import { PromoteDialog } from './PromoteDialog';
import { StageColumn } from './StageColumn';
import { PipelineContext, stagesOf } from './stages';

const useStyles = makeStyles(theme => ({
  flow: {
    display: 'flex',
    alignItems: 'stretch',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  arrow: { alignSelf: 'center', color: theme.palette.text.secondary },
}));

/** The stages left to right, and the dialog of a promotion being asked for. */
export const Pipeline = ({ data, entityRef, runner }: CardBodyProps) => {
  const classes = useStyles();
  const links = useRepositoryLinks(data.repositories);
  const [promoting, setPromoting] = useState<GitopsRelease>();
  const stages = stagesOf(data);
  const context: PipelineContext = {
    entityRef,
    links,
    runner,
    onPromote: setPromoting,
  };

  const promoted = (promotion: GitopsPromotion) => {
    setPromoting(undefined);
    runner.succeeded(promotionOutcome(promotion, data.releases, links));
  };

  return (
    <>
      <div className={classes.flow} aria-label="Promotion pipeline" role="list">
        {stages.map((stage, index) => (
          <Fragment key={stage.name}>
            {index > 0 && (
              <ArrowForwardIcon className={classes.arrow} aria-hidden />
            )}
            <StageColumn
              stage={stage}
              previous={index > 0 ? stages[index - 1] : undefined}
              context={context}
            />
          </Fragment>
        ))}
      </div>
      <Freshness
        repositories={data.repositories}
        releases={data.releases}
        links={links}
      />
      {promoting && (
        <PromoteDialog
          release={promoting}
          entityRef={entityRef}
          onClose={() => setPromoting(undefined)}
          onPromoted={promoted}
        />
      )}
    </>
  );
};
