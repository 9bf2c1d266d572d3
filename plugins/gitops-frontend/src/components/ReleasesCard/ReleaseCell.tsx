import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { LockNote } from '../shared/LockNote';
import { ReleaseChart } from './ReleaseChart';
import { ReleaseImage } from './ReleaseImage';

/**
 * What is released: the HelmRelease, where it lives, its chart and images,
 * and who locked it and why.
 */
export const ReleaseCell = ({
  release,
  cluster,
}: {
  release: GitopsRelease;
  cluster?: string;
}) => (
  <>
    <Typography variant="body2">
      {release.name}
      {release.releaseName !== release.name
        ? ` (Helm release ${release.releaseName})`
        : ''}
    </Typography>
    <Typography variant="caption" color="textSecondary" display="block">
      {`namespace ${release.namespace}${cluster ? `, cluster ${cluster}` : ''}`}
    </Typography>
    <ReleaseChart release={release} />
    {release.images.map(image => (
      <ReleaseImage key={image.container} image={image} />
    ))}
    <LockNote release={release} />
  </>
);
