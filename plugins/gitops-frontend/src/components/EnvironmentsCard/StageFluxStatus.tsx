import { GitopsEnvironmentFluxStatus } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { environmentFluxText } from '../shared/fluxTexts';

/** What Flux's Kustomization applied in the stage's cluster, against git. */
export const StageFluxStatus = ({
  status,
}: {
  status?: GitopsEnvironmentFluxStatus;
}) => {
  const line = environmentFluxText(status);
  if (!line) return null;
  const kustomization = status?.kustomization;
  return (
    <Typography
      variant="caption"
      display="block"
      color={line.warning ? 'error' : 'textSecondary'}
      data-testid="stage-flux-status"
      title={
        kustomization
          ? `Flux Kustomization ${kustomization.namespace}/${kustomization.name}`
          : undefined
      }
    >
      {line.text}
    </Typography>
  );
};
