import { Config } from '@backstage/config';

/** `gitops.events` in app-config. */
export type GitopsEventsConfig = {
  registry: {
    /** Shared token registry notifications must carry; no ingress without it. */
    token?: string;
    /**
     * The image hosts the notifying registry serves (`docker.io`, `ghcr.io`,
     * `registry.example.com`): its notifications name images in these.
     */
    hosts: string[];
  };
  bitbucketCloud: { webhookSecret?: string };
};

export function readGitopsEventsConfig(config: Config): GitopsEventsConfig {
  return {
    registry: {
      token:
        config.getOptionalString('gitops.events.registry.token') || undefined,
      hosts: (
        config.getOptionalStringArray('gitops.events.registry.hosts') ?? []
      ).map(h => h.trim().toLowerCase()),
    },
    bitbucketCloud: {
      webhookSecret:
        config.getOptionalString(
          'gitops.events.bitbucketCloud.webhookSecret',
        ) || undefined,
    },
  };
}
