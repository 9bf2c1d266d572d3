import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';

/** The config key naming the service principals that may take actions. */
export const ALLOWED_SERVICES_KEY = 'gitops.actions.allowedServices';

/**
 * Who may ask for an action at all (sync, promote, lock, unlock, reconcile,
 * prune confirmation), before the permission policy is asked. Users, whom
 * the policy then judges; a service principal only when
 * `gitops.actions.allowedServices` names its subject, because Backstage's
 * permission client allows every service principal whatever the policy
 * says: without this list any plugin or static token could commit.
 */
export class ActionPrincipals {
  static fromConfig(config: Config, auth: AuthService): ActionPrincipals {
    const subjects = config.getOptionalStringArray(ALLOWED_SERVICES_KEY) ?? [];
    subjects.forEach((subject, index) => {
      if (!subject.trim()) {
        throw new Error(
          `${ALLOWED_SERVICES_KEY}[${index}] must be a service subject, such as plugin:scaffolder or external:release-bot`,
        );
      }
    });
    return new ActionPrincipals(auth, subjects);
  }

  private readonly allowedServices: ReadonlySet<string>;

  constructor(private readonly auth: AuthService, allowedServices: string[]) {
    this.allowedServices = new Set(allowedServices);
  }

  /** Throws NotAllowedError for a caller that may not take actions. */
  assertMayAct(credentials: BackstageCredentials, actor: string): void {
    if (this.auth.isPrincipal(credentials, 'user')) return;
    if (
      this.auth.isPrincipal(credentials, 'service') &&
      this.allowedServices.has(credentials.principal.subject)
    ) {
      return;
    }
    throw new NotAllowedError(
      `${actor} may not take gitops actions: a service needs ${ALLOWED_SERVICES_KEY} to name it`,
    );
  }
}
