import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { releaseFluxLines } from '../shared/fluxTexts';
import { HelmHistoryTable } from './HelmHistoryTable';
import { ReleaseEvents, ReleaseEventsProps } from './ReleaseEvents';
import { automationOf, describeDifference } from './releaseTexts';

/**
 * What opens under a release row: where the cluster differs from git, Helm's
 * history, and what happened to the release.
 */
export const ReleaseDetails = (props: ReleaseEventsProps) => {
  const { release, links } = props;
  const differences = release.status?.differences ?? [];
  const flux = release.status?.flux;
  const fluxLines = flux ? releaseFluxLines(flux) : [];
  const fileUrl = links.file(
    release.repository,
    release.commit,
    release.sourcePath,
  );
  return (
    <div style={{ padding: '8px 16px 16px' }}>
      {differences.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Where the cluster differs from git
          </Typography>
          <ul style={{ marginTop: 0 }}>
            {differences.map(d => (
              <li key={d.path}>
                <Typography variant="body2">{describeDifference(d)}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
      {fluxLines.length > 0 && (
        <>
          <Typography variant="subtitle2">What Flux says</Typography>
          <ul style={{ marginTop: 0 }}>
            {fluxLines.map(line => (
              <li key={line}>
                <Typography variant="body2">{line}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
      <Typography variant="subtitle2">
        Helm history
        {release.status?.cluster ? ` in cluster ${release.status.cluster}` : ''}
        {release.status?.flux?.historyFromStatus
          ? " (from the HelmRelease's status.history)"
          : ''}
      </Typography>
      <HelmHistoryTable release={release} />
      <Typography variant="subtitle2" style={{ marginTop: 12 }}>
        Automation and events
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Image automation: {automationOf(release)}
      </Typography>
      <ReleaseEvents {...props} />
      <Typography
        variant="caption"
        color="textSecondary"
        display="block"
        style={{ marginTop: 8 }}
      >
        Defined in{' '}
        {fileUrl ? (
          <Link to={fileUrl}>{release.sourcePath}</Link>
        ) : (
          release.sourcePath
        )}{' '}
        of {release.repository}
      </Typography>
    </div>
  );
};
