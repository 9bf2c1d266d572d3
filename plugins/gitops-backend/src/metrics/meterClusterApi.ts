import { GitopsMetrics } from './GitopsMetrics';
import { outcomeOfError } from './requestOutcome';

/**
 * The cluster client, each call counted in `gitops.cluster.requests` with
 * its method as the operation and how it ended. A proxy rather than a class
 * that repeats the client's interface, so methods added to it later are
 * counted too (those that return a promise: the others ask nothing of it). A call is one to a few HTTP requests (pages, discovery);
 * what the client answers without an error (a 404 read as "not there") is `ok`.
 */
export function meterClusterApi<T extends object>(
  api: T,
  cluster: string,
  metrics: GitopsMetrics,
): T {
  return new Proxy(api, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') {
        return value;
      }
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        // Only what answers later goes to the cluster; the rest is no request.
        if (!(result instanceof Promise)) return result;
        return result.then(
          answer => {
            metrics.clusterRequest(cluster, property, 'ok');
            return answer;
          },
          error => {
            metrics.clusterRequest(cluster, property, outcomeOfError(error));
            throw error;
          },
        );
      };
    },
  });
}
