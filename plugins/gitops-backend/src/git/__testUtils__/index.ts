export { createTestRemote } from './createTestRemote';
export type { TestFiles, TestRemote } from './createTestRemote';
export { startHttpGitServer } from './startHttpGitServer';
export type { HttpGitServer } from './startHttpGitServer';
export { startSshGitServer } from './startSshGitServer';
export type { SshGitServer } from './startSshGitServer';
export { generateSshKeyPair } from './sshKeys';
export { runTestGit, testGitEnvironment } from './runTestGit';
