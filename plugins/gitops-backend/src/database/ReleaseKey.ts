/** Identifies a release across every store: its environment, namespace and name. */
export type ReleaseKey = {
  environment: string;
  namespace: string;
  name: string;
};
