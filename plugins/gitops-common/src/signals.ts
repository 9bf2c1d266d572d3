/**
 * The signal channel of one catalog entity's gitops cards: the backend
 * publishes on it when a release the entity shows changed (in git, in its
 * cluster, in its registry or chart repository). The ref is lower-cased, as
 * the catalog compares refs without regard to case.
 *
 * @public
 */
export function gitopsEntitySignalChannel(entityRef: string): string {
  return `gitops:entity:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * The signal channel of the environments: published when environments were
 * added or removed, their repository moved to a new commit, their Flux
 * Kustomization's status changed or their cluster could (or could no longer)
 * be reconciled.
 *
 * @public
 */
export const GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL = 'gitops:environments';

/**
 * What a gitops signal says. It carries no release data, as signals reach
 * every signed-in user: the cards read again through the permission-checked
 * API.
 *
 * @public
 */
export type GitopsSignalMessage = {
  type: 'changed';
  /** On the environments channel: the environments that changed. */
  environments?: string[];
};
