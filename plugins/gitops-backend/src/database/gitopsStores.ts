import { DatabaseService } from '@backstage/backend-plugin-api';
import { ChartStatusStore } from './ChartStatusStore';
import { ClusterStateStore } from './ClusterStateStore';
import { DatabaseChartStatusStore } from './DatabaseChartStatusStore';
import { DatabaseClusterStateStore } from './DatabaseClusterStateStore';
import { DatabaseEventStore } from './DatabaseEventStore';
import { DatabaseImageStatusStore } from './DatabaseImageStatusStore';
import { DatabaseReadVersionStore } from './DatabaseReadVersionStore';
import { DatabaseReleaseOwnerStore } from './DatabaseReleaseOwnerStore';
import { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
import { EventStore } from './EventStore';
import { ImageStatusStore } from './ImageStatusStore';
import { migratedClient } from './migrations';
import { ReadVersionStore } from './ReadVersionStore';
import { ReleaseOwnerStore } from './ReleaseOwnerStore';
import { SyncStateStore } from './SyncStateStore';

/** The plugin's stores, one per concern, over one database. */
export type GitopsStores = {
  syncStateStore: SyncStateStore;
  imageStatusStore: ImageStatusStore;
  chartStatusStore: ChartStatusStore;
  clusterStateStore: ClusterStateStore;
  eventStore: EventStore;
  /** Owners of the entity each release links to, for owner-filtered reads. */
  releaseOwnerStore: ReleaseOwnerStore;
  /** What revalidated reads compare (ETags). */
  readVersionStore: ReadVersionStore;
};

/** Migrates the plugin's database once and opens every store on it. */
export async function createGitopsStores(options: {
  database: DatabaseService;
}): Promise<GitopsStores> {
  const db = await migratedClient(options.database);
  return {
    syncStateStore: new DatabaseSyncStateStore(db),
    imageStatusStore: new DatabaseImageStatusStore(db),
    chartStatusStore: new DatabaseChartStatusStore(db),
    clusterStateStore: new DatabaseClusterStateStore(db),
    eventStore: new DatabaseEventStore(db),
    releaseOwnerStore: new DatabaseReleaseOwnerStore(db),
    readVersionStore: new DatabaseReadVersionStore(db),
  };
}
