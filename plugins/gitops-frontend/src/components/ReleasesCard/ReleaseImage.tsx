import { Fragment } from 'react';
import {
  GitopsReleaseImage,
  imageLabel,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';

/** `repository:tag`, allowed to wrap after its slashes and the colon only. */
const ImageRef = ({ repository, tag }: { repository: string; tag: string }) => (
  <>
    {repository.split('/').map((part, index) => (
      <Fragment key={index}>
        {index > 0 && (
          <>
            /<wbr />
          </>
        )}
        {part}
      </Fragment>
    ))}
    :<wbr />
    {tag}
  </>
);

/** An image of a release, with the registry's error or a newer tag it allows. */
export const ReleaseImage = ({ image }: { image: GitopsReleaseImage }) => (
  <div>
    <Typography variant="body2">
      <ImageRef repository={imageLabel(image)} tag={image.tag} />
    </Typography>
    {image.status?.imagePolicy && (
      <Typography variant="caption" color="textSecondary" display="block">
        {`ImagePolicy ${image.status.imagePolicy}${
          image.status.policy ? `: ${image.status.policy}` : ''
        }${image.status.automation === 'flux' ? ', Flux commits' : ''}`}
      </Typography>
    )}
    {image.status?.automation === 'off' && (
      <Typography variant="caption" color="textSecondary" display="block">
        image automation off
      </Typography>
    )}
    {image.status?.problem && (
      <Typography variant="caption" color="error" display="block">
        {`not automated: ${image.status.problem}`}
      </Typography>
    )}
    {!image.status?.problem && image.status?.error && (
      <Typography variant="caption" color="error" display="block">
        {`registry: ${image.status.error}`}
      </Typography>
    )}
    {!image.status?.problem &&
      !image.status?.error &&
      image.status?.latestTag &&
      image.status.latestTag !== image.tag && (
        <Typography
          variant="caption"
          color="primary"
          display="block"
          title={image.status.reason}
        >
          {`update available: ${image.status.latestTag}`}
        </Typography>
      )}
  </div>
);
