import { Entity } from '@backstage/catalog-model';
import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_IMAGE,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  GITOPS_ANNOTATIONS,
  KUBERNETES_ID_ANNOTATION,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { CardMessage } from './CardMessage';

const meaning: Record<(typeof GITOPS_ANNOTATIONS)[number], string> = {
  [GITOPS_ANNOTATION_HELM_CHART]:
    'the name of the Helm chart its HelmReleases deploy',
  [GITOPS_ANNOTATION_IMAGE]:
    'an image repository the release values deploy, such as stefanprodan/podinfo',
  [GITOPS_ANNOTATION_RELEASE_SELECTOR]:
    'a label selector, such as app=podinfo,tier=web, matched against HelmRelease labels',
  [KUBERNETES_ID_ANNOTATION]:
    'HelmReleases labelled backstage.io/kubernetes-id with the same value belong to it',
};

/** Why a card has nothing to show: the entity carries none of the annotations. */
export const NotLinked = ({ entity }: { entity: Entity }) => (
  <CardMessage
    title={`${entity.metadata.name} is not linked to any HelmRelease`}
  >
    <Typography variant="body2" paragraph>
      Add one of these annotations to its catalog entry; any one is enough, and
      several match the releases of each:
    </Typography>
    <ul style={{ marginTop: 0 }}>
      {GITOPS_ANNOTATIONS.map(name => (
        <li key={name}>
          <Typography variant="body2">
            <code>{name}</code>: {meaning[name]}
          </Typography>
        </li>
      ))}
    </ul>
    <Typography variant="body2">For example:</Typography>
    <pre style={{ margin: '4px 0 0', fontSize: 12 }}>
      {`metadata:
  annotations:
    ${GITOPS_ANNOTATION_HELM_CHART}: ${entity.metadata.name}`}
    </pre>
  </CardMessage>
);
