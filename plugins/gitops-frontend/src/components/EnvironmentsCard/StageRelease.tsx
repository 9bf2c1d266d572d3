import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { SourceProblemNote } from '../shared/SourceProblemNote';
import { Ago } from '../shared/time';
import { StageActions } from './StageActions';
import { StageImage } from './StageImage';
import { PipelineContext, Stage } from './stages';

/** A release in its stage: each image, how current the data is, and actions. */
export const StageRelease = ({
  release,
  stage,
  previous,
  showName,
  context,
}: {
  release: GitopsRelease;
  stage: Stage;
  previous?: Stage;
  /** When the stage runs more than one release of the entity. */
  showName: boolean;
  context: PipelineContext;
}) => {
  const stale = release.status?.stale;
  return (
    <div>
      {showName && (
        <Typography variant="caption" color="textSecondary" display="block">
          {release.name}
        </Typography>
      )}
      {release.images.map(image => (
        <StageImage
          key={image.container}
          release={release}
          image={image}
          previous={previous}
        />
      ))}
      {stale && (
        <Typography variant="caption" color="error" display="block">
          cluster has not answered since <Ago at={stale.at} />
        </Typography>
      )}
      <SourceProblemNote release={release} links={context.links} />
      <StageActions
        release={release}
        environment={stage.name}
        promotable={Boolean(previous)}
        showName={showName}
        context={context}
      />
    </div>
  );
};
