import { ReleaseMatch } from '../database';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_IMAGE,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  ImageName,
  imageRepositorySpellings,
  KUBERNETES_ID_ANNOTATION,
  parseImageReference,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);

/**
 * `app=podinfo,tier!=db` as Kubernetes writes equality-based selectors. At
 * least one term must be an equality: `x!=y` alone selects every release
 * of every team, which no entity should be able to claim.
 */
export function parseLabelSelector(
  selector: string,
): ReleaseMatch['labelSelectors'][number] {
  const terms = list(selector).map(term => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (!match) {
      throw new InputError(
        `Invalid ${GITOPS_ANNOTATION_RELEASE_SELECTOR} term "${term}": use key=value or key!=value`,
      );
    }
    return {
      key: match[1],
      op: match[2] === '!=' ? '!=' : '=',
      value: match[3],
    } as const;
  });
  if (!terms.some(term => term.op === '=')) {
    throw new InputError(
      `Invalid ${GITOPS_ANNOTATION_RELEASE_SELECTOR} "${selector}": it needs at least one key=value term, as key!=value terms alone match every release`,
    );
  }
  return terms;
}

/** The image an annotation names, resolved; none when it names no image. */
function resolvedImage(text: string): ImageName[] {
  const parsed = parseImageReference(text);
  if (!parsed) return [];
  try {
    return [resolveImageName(parsed)];
  } catch {
    return [];
  }
}

/** Which stored releases belong to an entity, per its annotations. */
export function releaseMatchFor(entity: Entity): ReleaseMatch {
  const annotations = entity.metadata.annotations ?? {};
  const selectors: ReleaseMatch['labelSelectors'] = [];
  const selector = annotations[GITOPS_ANNOTATION_RELEASE_SELECTOR];
  if (selector?.trim()) selectors.push(parseLabelSelector(selector));
  const kubernetesId = annotations[KUBERNETES_ID_ANNOTATION]?.trim();
  if (kubernetesId) {
    selectors.push([
      { key: KUBERNETES_ID_ANNOTATION, op: '=', value: kubernetesId },
    ]);
  }
  const images = list(annotations[GITOPS_ANNOTATION_IMAGE]);
  return {
    chartNames: list(annotations[GITOPS_ANNOTATION_HELM_CHART]),
    imageRepositories: images.flatMap(imageRepositorySpellings),
    ...(images.length > 0 ? { imageNames: images.flatMap(resolvedImage) } : {}),
    labelSelectors: selectors,
  };
}
