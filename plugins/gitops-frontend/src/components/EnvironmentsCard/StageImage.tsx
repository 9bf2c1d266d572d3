import {
  GitopsRelease,
  GitopsReleaseImage,
  imageLabel,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { shownLocked } from '../shared/locks';
import { StageComparison } from './StageComparison';
import { Stage } from './stages';

const useStyles = makeStyles({
  tag: {
    fontFamily: 'monospace',
    fontWeight: 600,
    wordBreak: 'break-all',
  },
});

/** Who commits the moves of an image a Flux ImagePolicy decides. */
function automatingParty(
  release: GitopsRelease,
  image: GitopsReleaseImage,
): string {
  switch (image.status?.automation) {
    case 'flux':
      return 'Flux commits';
    case 'off':
      return 'automation off';
    default:
      return shownLocked(release) ? 'locked' : 'Backstage commits';
  }
}

function policyText(release: GitopsRelease, image: GitopsReleaseImage): string {
  const status = image.status;
  if (status?.imagePolicy) {
    const policy = status.policy ?? image.policy ?? 'ImagePolicy';
    return `${policy} (${automatingParty(release, image)})`;
  }
  if (status?.automation === 'off') return 'automation off';
  const locked = shownLocked(release);
  if (!release.automated) return locked ? 'manual, locked' : 'manual';
  const policy = image.policy ?? 'glob:*';
  return locked ? `${policy} (locked)` : policy;
}

function registryText(image: GitopsReleaseImage): string {
  const status = image.status;
  if (!status) return 'registry not checked yet';
  if (status.problem) return `not automated: ${status.problem}`;
  if (status.error) return `registry: ${status.error}`;
  if (status.automation === 'off' && !status.latestTag)
    return 'no registry is scanned';
  if (
    status.automation === 'flux' &&
    status.latestTag &&
    status.latestTag !== image.tag
  ) {
    return `Flux's ImagePolicy chose: ${status.latestTag}`;
  }
  if (!status.latestTag) return 'registry offers no tag under this policy';
  if (status.latestTag === image.tag) return 'runs the newest tag allowed';
  return `newest allowed: ${status.latestTag}`;
}

/**
 * An image a stage runs: its tag, the policy it follows, what the registry
 * offers, and how it compares with the stage before.
 */
export const StageImage = ({
  release,
  image,
  previous,
}: {
  release: GitopsRelease;
  image: GitopsReleaseImage;
  previous?: Stage;
}) => {
  const classes = useStyles();
  return (
    <div>
      <Typography variant="body1" className={classes.tag}>
        {image.tag}
      </Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        {release.images.length > 1
          ? `${image.container}: ${imageLabel(image)}`
          : imageLabel(image)}
      </Typography>
      <Typography variant="body2">{policyText(release, image)}</Typography>
      <Typography
        variant="caption"
        display="block"
        color={
          image.status?.error || image.status?.problem
            ? 'error'
            : 'textSecondary'
        }
        title={
          image.status?.imagePolicy
            ? `ImagePolicy ${image.status.imagePolicy}${
                image.status.reason ? `: ${image.status.reason}` : ''
              }`
            : image.status?.reason
        }
      >
        {registryText(image)}
      </Typography>
      {previous && <StageComparison image={image} previous={previous} />}
    </div>
  );
};
