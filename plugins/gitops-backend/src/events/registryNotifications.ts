import {
  DOCKER_HUB,
  ImageName,
  isImageTag,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';

/** The topic of our registry-notification ingress: POST /api/events/http/gitops.registry. */
export const REGISTRY_TOPIC = 'gitops.registry';

// Registries batch a few events per notification; more are not read.
const MAX_EVENTS = 100;
const MAX_TEXT = 512;

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT
    ? value
    : undefined;

/** An image in `host`, or undefined when the path is no repository name. */
function imageIn(
  host: string,
  repository: string | undefined,
): ImageName | undefined {
  if (!repository) return undefined;
  try {
    return resolveImageName({ registry: host, repository });
  } catch {
    return undefined;
  }
}

/**
 * The images a registry notification says were pushed (a tag or a
 * manifest), in one of the three shapes registries send:
 *
 * - distribution (`registry:2`): `{events: [{action: 'push', target: {repository}}]}`
 * - Docker Hub: `{push_data: {tag}, repository: {repo_name}}`, always docker.io
 * - Harbor: `{type: 'PUSH_ARTIFACT', event_data: {repository: {repo_full_name}}}`
 *
 * Registry hosts never come from the body: distribution and Harbor
 * notifications name images in each of `hosts`, the image hosts the
 * notifying registry serves per configuration; Docker Hub's are docker.io.
 * Pulls, deletes and anything unread give no image.
 */
export function readRegistryNotification(
  payload: unknown,
  hosts: string[],
): ImageName[] {
  const body = record(payload);
  if (!body) return [];
  const names: ImageName[] = [];
  const add = (name: ImageName | undefined) => {
    if (
      name &&
      !names.some(n => n.host === name.host && n.repository === name.repository)
    ) {
      names.push(name);
    }
  };

  if (Array.isArray(body.events)) {
    for (const event of body.events.slice(0, MAX_EVENTS)) {
      const entry = record(event);
      if (entry?.action !== 'push') continue;
      const repository = text(record(entry.target)?.repository);
      for (const host of hosts) add(imageIn(host, repository));
    }
  } else if (record(body.push_data) && record(body.repository)) {
    const tag = text(record(body.push_data)?.tag);
    if (tag === undefined || isImageTag(tag)) {
      add(imageIn(DOCKER_HUB, text(record(body.repository)?.repo_name)));
    }
  } else if (body.type === 'PUSH_ARTIFACT') {
    const data = record(body.event_data);
    const repository = text(record(data?.repository)?.repo_full_name);
    for (const host of hosts) add(imageIn(host, repository));
  }
  return names;
}
