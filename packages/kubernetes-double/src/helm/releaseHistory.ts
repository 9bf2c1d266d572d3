import { writeAsController } from '../controllerWrites';
import { isJsonObject } from '../jsonValue';
import { KubeObject, nameOf, namespaceOf, stringMapOf } from '../kubeObject';
import { ObjectStore } from '../objectStore';
import { ResourceType } from '../resourceTypes';
import {
  buildHelmReleaseSecret,
  decodeHelmReleaseSecretData,
  HELM_OWNER_LABEL_VALUE,
  HELM_RELEASE_DATA_KEY,
  HelmReleaseRecord,
  HelmReleaseStatus,
} from './helmStorage';

/** Field manager of Helm's own storage writes. */
const HELM_MANAGER = 'helm';

export type StoredRevision = { record: HelmReleaseRecord; secret: KubeObject };

/**
 * A release's revisions as Helm keeps them: one Secret each in the storage
 * namespace, found by Helm's labels, oldest first.
 */
export class ReleaseHistory {
  constructor(
    private readonly store: ObjectStore,
    private readonly secrets: ResourceType,
  ) {}

  read(storageNamespace: string, releaseName: string): StoredRevision[] {
    const revisions: StoredRevision[] = [];
    for (const secret of this.store.readAll(this.secrets, storageNamespace)) {
      const labels = stringMapOf(secret, 'labels');
      if (
        labels.owner !== HELM_OWNER_LABEL_VALUE ||
        labels.name !== releaseName
      )
        continue;
      const data = isJsonObject(secret.data)
        ? secret.data[HELM_RELEASE_DATA_KEY]
        : undefined;
      if (typeof data !== 'string') continue;
      try {
        revisions.push({ record: decodeHelmReleaseSecretData(data), secret });
      } catch {
        // Not a release Helm could read either; Helm skips it too.
      }
    }
    return revisions.sort((a, b) => a.record.version - b.record.version);
  }

  /** Stores a new revision, as Helm's `Create` does. */
  create(record: HelmReleaseRecord, storageNamespace: string, now: Date): void {
    const secret = buildHelmReleaseSecret(record, { createdAt: now });
    (secret.metadata as { namespace: string }).namespace = storageNamespace;
    writeAsController(this.store, this.secrets, secret, HELM_MANAGER);
  }

  /** Rewrites a revision with a new status (label and JSON), as Helm's `Update` does. */
  setStatus(
    revision: StoredRevision,
    status: HelmReleaseStatus,
    now: Date,
  ): void {
    const record: HelmReleaseRecord = {
      ...revision.record,
      info: { ...revision.record.info, status },
    };
    const labels = stringMapOf(revision.secret, 'labels');
    const secret = buildHelmReleaseSecret(record, { modifiedAt: now });
    const metadata = secret.metadata as {
      labels: Record<string, string>;
      namespace: string;
      name: string;
    };
    metadata.labels = { ...labels, ...metadata.labels };
    metadata.namespace = namespaceOf(revision.secret) ?? record.namespace;
    metadata.name = nameOf(revision.secret) ?? metadata.name;
    writeAsController(this.store, this.secrets, secret, HELM_MANAGER);
  }

  /** `helm uninstall` without `--keep-history`: every revision goes. */
  removeAll(storageNamespace: string, releaseName: string): void {
    for (const revision of this.read(storageNamespace, releaseName)) {
      this.store.remove(
        this.secrets,
        storageNamespace,
        nameOf(revision.secret) ?? '',
      );
    }
  }
}
