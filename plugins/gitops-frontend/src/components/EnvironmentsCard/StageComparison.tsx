import {
  GitopsReleaseImage,
  imageLabel,
  sameImage,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { compareTags } from '../shared/compareTags';
import { Stage } from './stages';

const useStyles = makeStyles(theme => ({
  inStep: { color: theme.palette.success.dark },
  behind: { color: theme.palette.warning.dark },
}));

/** Whether an image is in step with, behind or ahead of the stage before. */
export const StageComparison = ({
  image,
  previous,
}: {
  image: GitopsReleaseImage;
  previous: Stage;
}) => {
  const classes = useStyles();
  const before = previous.releases
    .flatMap(r => r.images)
    .find(i => sameImage(i, image));
  if (!before) {
    return (
      <Typography variant="caption" color="textSecondary">
        {`${previous.name} does not run ${imageLabel(image)}`}
      </Typography>
    );
  }
  const relation = compareTags(before.tag, image.tag);
  if (relation === 'in-step') {
    return (
      <Typography variant="caption" className={classes.inStep}>
        {`in step with ${previous.name}`}
      </Typography>
    );
  }
  const words = {
    behind: `behind ${previous.name}`,
    ahead: `ahead of ${previous.name}`,
    differs: `differs from ${previous.name}`,
  }[relation];
  return (
    <Typography
      variant="caption"
      className={relation === 'behind' ? classes.behind : undefined}
      color={relation === 'behind' ? undefined : 'textSecondary'}
      title={`Compared by tag only: ${image.tag} and ${before.tag} may still be the same image`}
    >
      {`${words}, which runs ${before.tag}`}
    </Typography>
  );
};
