import { ReleaseRecord, ReleaseRecordImage, SyncStateStore } from '../database';
import { InputError } from '@backstage/errors';
import {
  GitopsEnvironment,
  imageLabel,
  sameImage,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';

/** Where a promotion takes its image from, as the store last saw it. */
export type PreviousStage = {
  environment: GitopsEnvironment;
  release: ReleaseRecord;
  /** The image of the previous stage's release. */
  image: ReleaseRecordImage;
  /** The container of the promoted release that gets it. */
  container: string;
};

/**
 * The stage before `target`: the environment of the same repository with
 * the next lower `order`, and in it the release that deploys the same image
 * repository, preferring one of the same chart, then one that names the
 * same container. The images of `target` are tried in the order written.
 * No such stage or release, or several equally good releases, is an
 * `InputError` that says which.
 */
export async function findPreviousStage(
  syncStateStore: Pick<
    SyncStateStore,
    'listEnvironments' | 'releasesOfEnvironments'
  >,
  target: ReleaseRecord,
): Promise<PreviousStage> {
  const environments = (await syncStateStore.listEnvironments()).filter(
    env => env.repository === target.repository,
  );
  const current = environments.find(env => env.name === target.environment);
  if (!current) {
    throw new InputError(
      `Environment ${target.environment} is not part of the pipeline of repository ${target.repository}`,
    );
  }
  const earlier = environments.filter(env => env.order < current.order);
  if (earlier.length === 0) {
    throw new InputError(
      `${target.environment} is the first stage of repository ${target.repository}: there is no stage to promote from`,
    );
  }
  const order = Math.max(...earlier.map(env => env.order));
  const stages = earlier.filter(env => env.order === order);
  const stageNames = stages.map(env => env.name).join(' and ');
  const releases = (
    await syncStateStore.releasesOfEnvironments(stages.map(env => env.name))
  ).filter(r => r.repository === target.repository);

  for (const wanted of target.images) {
    let found = releases.flatMap(release =>
      release.images
        .filter(image => sameImage(image, wanted))
        .map(image => ({ release, image })),
    );
    if (found.length === 0) continue;
    const sameChart = found.filter(
      f => f.release.chartName === target.chartName,
    );
    if (sameChart.length > 0) found = sameChart;
    const sameContainer = found.filter(
      f => f.image.container === wanted.container,
    );
    if (sameContainer.length > 0) found = sameContainer;
    const distinct = new Set(
      found.map(f => stringifyGitopsReleaseKey(f.release)),
    );
    if (distinct.size > 1) {
      throw new InputError(
        `More than one release in ${stageNames} deploys ${imageLabel(
          wanted,
        )} (${[...distinct].sort().join(', ')}); cannot tell which one ${
          target.name
        } is promoted from`,
      );
    }
    const [{ release, image }] = found;
    return {
      environment: stages.find(env => env.name === release.environment)!,
      release,
      image,
      container: wanted.container,
    };
  }
  const images = target.images.map(imageLabel).join(', ') || 'no image';
  throw new InputError(
    `No release in ${stageNames}, the stage before ${target.environment}, deploys ${images}; there is nothing to promote from`,
  );
}
