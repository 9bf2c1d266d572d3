import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { GitopsMetrics } from '../metrics';
import {
  RegistryClient,
  RegistryConfig,
  RegistryHosts,
  RegistryPolicy,
} from '../registry';

/**
 * Lists the versions of charts stored in OCI registries, through the same
 * client, host policy and credentials (`gitops.registries`,
 * `gitops.registryPolicy`) as images: a host neither configured nor an
 * allowed public default is never contacted.
 */
export class OciChartClient {
  private readonly hosts: RegistryHosts;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(
    private readonly options: {
      registries: RegistryConfig[];
      policy?: RegistryPolicy;
      logger: LoggerService;
      fetch?: typeof fetch;
      /** Counts registry requests by registry and outcome; none when unset. */
      metrics?: GitopsMetrics;
    },
  ) {
    this.hosts = new RegistryHosts(options.registries, options.policy);
  }

  /**
   * The versions of the chart at `oci://host/path` (a HelmRepository of type
   * oci, joined with the chart's name, or an OCIRepository's url). Helm
   * stores a version's `+` as `_` in tags; it is given back as `+`.
   */
  async versions(url: string): Promise<string[]> {
    const match = /^oci:\/\/([^/]+)\/(.+?)\/*$/.exec(url);
    if (!match) {
      throw new NotAllowedError(`"${url}" is not an oci://host/repository url`);
    }
    const [, host, repository] = match;
    const tags = await this.clientFor(host.toLowerCase()).listTags(repository);
    return tags.map(tag => tag.replace(/_/g, '+'));
  }

  private clientFor(host: string): RegistryClient {
    let client = this.clients.get(host);
    if (!client) {
      client = new RegistryClient(this.hosts.resolve(host), {
        fetch: this.options.fetch ?? ((input, init) => fetch(input, init)),
        logger: this.options.logger,
        limits: this.hosts.policy,
        metrics: this.options.metrics,
      });
      this.clients.set(host, client);
    }
    return client;
  }
}
