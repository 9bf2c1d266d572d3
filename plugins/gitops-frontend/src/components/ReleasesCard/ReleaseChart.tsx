import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';

/**
 * The release's chart and version as git has them, with a newer version its
 * Helm repository lists within the release's range, or why it could not be
 * listed.
 */
export const ReleaseChart = ({ release }: { release: GitopsRelease }) => {
  const status = release.chartStatus;
  return (
    <>
      <Typography variant="body2">
        {`chart ${release.chartName}${
          release.chartVersion ? ` ${release.chartVersion}` : ''
        }`}
      </Typography>
      {status?.error ? (
        <Typography variant="caption" color="error" display="block">
          {`chart repository: ${status.error}`}
        </Typography>
      ) : (
        status?.updateAvailable &&
        status.latestVersion && (
          <Typography
            variant="caption"
            color="primary"
            display="block"
            title={`newest ${status.chart} in ${status.source}${
              status.range ? ` allowed by ${status.range}` : ''
            }`}
          >
            {`chart update available: ${status.latestVersion}`}
          </Typography>
        )
      )}
    </>
  );
};
