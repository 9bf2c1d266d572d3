/** Whether git sync should read a file as manifests: YAML by extension, any case. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
