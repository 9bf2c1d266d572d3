import {
  describeFluxPolicy,
  GitopsImageStatus,
  parseImageReference,
} from '@backstage-gitops/plugin-gitops-common';
import { ClusterApi, FluxObjectList } from '../cluster';
import { isMapping } from '../manifests/fieldValidation';
import { readImagePolicy } from '../manifests';
import { errorMessage } from '../kernel';
import { ImageStatusRecord } from '../database';
import { MarkedUse, statusRecord } from './decideMarkedImages';

/**
 * The latest image an ImagePolicy in a cluster chose: `status.latestRef`
 * in `v1` (name, tag, digest), `status.latestImage` (`image:tag`) in
 * `v1beta2` and `v1beta1`.
 */
export function latestOfClusterPolicy(
  item: Record<string, unknown>,
): { image: string; tag: string } | undefined {
  const status = isMapping(item.status) ? item.status : undefined;
  if (!status) return undefined;
  const ref = isMapping(status.latestRef) ? status.latestRef : undefined;
  if (
    ref &&
    typeof ref.name === 'string' &&
    typeof ref.tag === 'string' &&
    ref.tag
  ) {
    return { image: ref.name, tag: ref.tag };
  }
  if (typeof status.latestImage === 'string') {
    const parsed = parseImageReference(status.latestImage);
    if (parsed?.tag) {
      const image = parsed.registry
        ? `${parsed.registry}/${parsed.repository}`
        : parsed.repository;
      return { image, tag: parsed.tag };
    }
  }
  return undefined;
}

/**
 * With Flux's image-automation-controller committing, this plugin only
 * reports: each marked image's latest tag is what its ImagePolicy in the
 * environment's cluster chose (an "update available" when the file holds
 * another). One list request per cluster and namespace; nothing is scanned
 * or written.
 */
export async function reportFluxAutomation(options: {
  uses: MarkedUse[];
  clusterFor: (
    environment: string,
  ) => { name: string; api: ClusterApi } | undefined;
  clock: () => Date;
}): Promise<ImageStatusRecord[]> {
  const { uses, clusterFor, clock } = options;
  const lists = new Map<string, Promise<FluxObjectList | Error>>();
  const statuses: ImageStatusRecord[] = [];
  for (const use of uses) {
    const imagePolicy = `${use.ref.namespace}/${use.ref.name}`;
    const record = (
      status: Omit<GitopsImageStatus, 'checkedAt' | 'automation'>,
    ) =>
      statuses.push(
        statusRecord(use, {
          checkedAt: clock().toISOString(),
          automation: 'flux',
          imagePolicy,
          ...status,
        }),
      );
    const cluster = clusterFor(use.release.environment);
    if (!cluster) {
      record({
        problem: `environment ${use.release.environment} has no cluster to read ImagePolicy ${imagePolicy} from`,
      });
      continue;
    }
    const key = `${cluster.name}/${use.ref.namespace}`;
    let list = lists.get(key);
    if (!list) {
      list = cluster.api
        .listFluxObjects('ImagePolicy', use.ref.namespace)
        .catch(error => new Error(errorMessage(error)));
      lists.set(key, list);
    }
    const answer = await list;
    if (answer instanceof Error) {
      record({ error: `cluster ${cluster.name}: ${answer.message}` });
      continue;
    }
    if (!answer.served) {
      record({
        problem: `cluster ${cluster.name} does not serve Flux's image automation API`,
      });
      continue;
    }
    const item = answer.items.find(i => {
      const metadata = isMapping(i.metadata) ? i.metadata : {};
      return metadata.name === use.ref.name;
    });
    if (!item) {
      record({
        problem: `no ImagePolicy ${imagePolicy} in cluster ${cluster.name}`,
      });
      continue;
    }
    const spec = isMapping(item.spec) ? item.spec : {};
    const policy = readImagePolicy({
      apiVersion: answer.apiVersion,
      kind: 'ImagePolicy',
      namespace: use.ref.namespace,
      name: use.ref.name,
      spec,
    });
    const described = policy.ok
      ? { policy: describeFluxPolicy(policy.value.definition) }
      : {};
    const latest = latestOfClusterPolicy(item);
    record({
      ...described,
      ...(latest
        ? {
            latestTag: latest.tag,
            reason: `Flux's image-automation-controller commits; ImagePolicy ${imagePolicy} in cluster ${cluster.name} chose ${latest.image}:${latest.tag}`,
          }
        : {
            reason: `ImagePolicy ${imagePolicy} in cluster ${cluster.name} has chosen no image yet`,
          }),
    });
  }
  return statuses;
}
