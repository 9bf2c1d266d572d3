import { KubeConfig } from '@kubernetes/client-node';

/**
 * The KubeConfig that points `@kubernetes/client-node` at the double: a
 * plain-HTTP server (client-node refuses `http:` unless `skipTLSVerify` is
 * set) and a bearer token. `namespace` sets the context's default namespace,
 * which KubernetesObjectApi uses for objects that name none.
 */
export function kubeConfigFor(
  double: { url: string; token: string },
  namespace?: string,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'simulated', server: double.url, skipTLSVerify: true }],
    users: [{ name: 'simulated', token: double.token }],
    contexts: [
      {
        name: 'simulated',
        cluster: 'simulated',
        user: 'simulated',
        ...(namespace ? { namespace } : {}),
      },
    ],
    currentContext: 'simulated',
  });
  return kubeConfig;
}
