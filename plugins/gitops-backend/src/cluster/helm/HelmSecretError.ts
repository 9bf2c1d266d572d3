/**
 * A Helm release secret that could not be read. The message names the secret
 * and the step that failed, never the secret's content: release values often
 * hold credentials, and errors end up in logs and API responses.
 */
export class HelmSecretError extends Error {
  readonly secretName: string;

  constructor(secretName: string, problem: string) {
    super(`Helm release secret ${secretName} ${problem}`);
    this.name = 'HelmSecretError';
    this.secretName = secretName;
  }
}
