/** The plugin's `gitops` configuration, read and checked once at startup. */
export { DEFAULT_PRUNE_MAX_SHARE, ownedNamespaces } from './GitopsConfig';
export type {
  EnvironmentConfig,
  GitopsConfig,
  ImageAutomationParty,
  PruneGuardConfig,
  RepositoryConfig,
  ScheduleConfig,
} from './GitopsConfig';
export { checkEnvironmentClusters, readGitopsConfig } from './GitopsConfig';
export { readHelmRepositoriesConfig } from './helmRepositoriesConfig';
export type { HelmRepositoryConfig } from './helmRepositoriesConfig';
export { readReadPathConfig } from './readPathConfig';
export type { ReadPathConfig } from './readPathConfig';
