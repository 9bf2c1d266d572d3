import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { StageFluxStatus } from './StageFluxStatus';
import { StageRelease } from './StageRelease';
import { PipelineContext, Stage, stageProblemsText } from './stages';

const useStyles = makeStyles(theme => ({
  stage: {
    flex: '1 1 0',
    minWidth: 170,
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  stageHeader: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'baseline',
    gap: theme.spacing(1),
  },
}));

/** One stage: its cluster, what the entity runs there, and its problems. */
export const StageColumn = ({
  stage,
  previous,
  context,
}: {
  stage: Stage;
  previous?: Stage;
  context: PipelineContext;
}) => {
  const classes = useStyles();
  return (
    <div
      className={classes.stage}
      data-testid={`stage-${stage.name}`}
      role="listitem"
    >
      <div className={classes.stageHeader}>
        <Typography variant="subtitle2">{stage.name}</Typography>
        {stage.environment?.cluster && (
          <Typography variant="caption" color="textSecondary">
            {`cluster ${stage.environment.cluster}`}
          </Typography>
        )}
      </div>
      <StageFluxStatus status={stage.environment?.fluxStatus} />
      {stage.releases.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          Not deployed here
        </Typography>
      )}
      {stage.releases.map(release => (
        <StageRelease
          key={release.name}
          release={release}
          stage={stage}
          previous={previous}
          showName={stage.releases.length > 1}
          context={context}
        />
      ))}
      {stage.problems.length > 0 && (
        <Typography variant="caption" color="error" display="block">
          {stageProblemsText(stage)}
        </Typography>
      )}
    </div>
  );
};
