export type {
  GitAuth,
  GitRemote,
  GitTreeEntry,
  GitChange,
  GitCommitInfo,
  GitFileTooLarge,
  GitRepository,
} from './types';
export { CliGitRepository } from './CliGitRepository';
export { EmptyCommitError, GitCommandError } from './GitCommandError';
export type { GitFailureKind } from './GitCommandError';
export { scrubCredentials } from './scrubCredentials';
export {
  hasUrlCredentials,
  withoutUrlCredentials,
} from './remoteUrlCredentials';
export {
  assertOwnDirectory,
  ensurePrivateDirectory,
  mirrorsDirectory,
} from './privateDirectory';
