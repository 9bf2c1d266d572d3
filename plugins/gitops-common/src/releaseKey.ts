/**
 * Identifies a release across the backend's stores, the API and the cards:
 * its environment, namespace and name.
 *
 * @public
 */
export type GitopsReleaseKey = {
  environment: string;
  namespace: string;
  name: string;
};

/**
 * A release key as one string, `<environment>/<namespace>/<name>`, for maps,
 * sets and React keys. None of the three parts can hold a `/` (environment
 * names are ids, the others Kubernetes names), so the string is unambiguous.
 *
 * @public
 */
export function stringifyGitopsReleaseKey(key: GitopsReleaseKey): string {
  return `${key.environment}/${key.namespace}/${key.name}`;
}
