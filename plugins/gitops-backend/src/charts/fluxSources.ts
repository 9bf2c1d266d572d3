import { FluxObjectKind } from '../kernel';
import { normalizeGitUrl } from './gitUrl';

/**
 * What chart resolution needs of a Flux object stored from the repository's
 * files (the sync-state store's `FluxObjectRecord` is one).
 */
export type FluxSourceObject = {
  /** The environment whose files hold it; unset outside them. */
  environment?: string;
  path: string;
  kind: FluxObjectKind;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
};

/** The kinds chart resolution reads: sources, and Kustomizations to tell which GitRepository is this one. */
export const CHART_SOURCE_KINDS: FluxObjectKind[] = [
  'GitRepository',
  'HelmRepository',
  'OCIRepository',
  'HelmChart',
  'Kustomization',
];

export const stringField = (
  value: Record<string, unknown> | undefined,
  key: string,
): string | undefined => {
  const field = value?.[key];
  return typeof field === 'string' && field.trim() !== '' ? field : undefined;
};

export const mappingField = (
  value: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined => {
  const field = value?.[key];
  return field && typeof field === 'object' && !Array.isArray(field)
    ? (field as Record<string, unknown>)
    : undefined;
};

/** A Kustomization's `spec.path` as a folder of the repository: '' is its root. */
function kustomizationFolder(path: string | undefined): string {
  return (path ?? '')
    .split('/')
    .filter(segment => segment !== '' && segment !== '.')
    .join('/');
}

const folderOf = (file: string) =>
  file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';

const within = (folder: string, parent: string) =>
  parent === '' || folder === parent || folder.startsWith(`${parent}/`);

/**
 * The Flux objects of one repository, looked up as a HelmRelease's
 * references name them.
 */
export class FluxSources {
  private readonly byKey = new Map<string, FluxSourceObject[]>();
  private readonly kustomizations: FluxSourceObject[];
  private readonly repositoryUrl: string;

  constructor(objects: FluxSourceObject[], repositoryUrl: string) {
    for (const object of objects) {
      const key = JSON.stringify([object.kind, object.namespace, object.name]);
      const list = this.byKey.get(key) ?? [];
      list.push(object);
      this.byKey.set(key, list);
    }
    this.kustomizations = objects.filter(o => o.kind === 'Kustomization');
    this.repositoryUrl = normalizeGitUrl(repositoryUrl);
  }

  /**
   * The object of this kind, namespace and name; of several (one per
   * cluster folder, as `flux bootstrap` writes them), the one in the
   * environment's files when there is one, else the first.
   */
  find(
    kind: FluxObjectKind,
    namespace: string,
    name: string,
    environment?: string,
  ): FluxSourceObject | undefined {
    const found = this.byKey.get(JSON.stringify([kind, namespace, name])) ?? [];
    return found.find(o => o.environment === environment) ?? found[0];
  }

  /**
   * Whether a GitRepository is the config repository itself: its url is the
   * configured one, or a Kustomization of this repository applies, from
   * that GitRepository, the very folder the GitRepository is written in
   * (what `flux bootstrap` writes in `clusters/<env>/flux-system`).
   */
  isThisRepository(gitRepository: FluxSourceObject): boolean {
    const url = stringField(gitRepository.spec, 'url');
    if (url && normalizeGitUrl(url) === this.repositoryUrl) return true;
    const folder = folderOf(gitRepository.path);
    return this.kustomizations.some(kustomization => {
      const sourceRef = mappingField(kustomization.spec, 'sourceRef');
      return (
        stringField(sourceRef, 'kind') === 'GitRepository' &&
        stringField(sourceRef, 'name') === gitRepository.name &&
        (stringField(sourceRef, 'namespace') ?? kustomization.namespace) ===
          gitRepository.namespace &&
        within(
          folder,
          kustomizationFolder(stringField(kustomization.spec, 'path')),
        )
      );
    });
  }
}
