import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  gitopsDiagnosticsReadPermission,
  gitopsReadPermission,
} from '@backstage-gitops/plugin-gitops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { ReleaseFilter } from '../database';
import { gitopsReleasePermissionRules } from '../permissions';
import { ExpiringCache } from './ExpiringCache';

/**
 * What a caller may read: every release (`all`), none, or those a filter
 * lets through; and whether errors show in full (`gitops.diagnostics.read`).
 */
export type ReadDecision = {
  releases: 'all' | 'none' | ReleaseFilter;
  diagnostics: boolean;
};

const toReleaseFilter = createConditionTransformer(
  Object.values(gitopsReleasePermissionRules),
);

/** Who is asking, as a cache key: the same principal gets the same decision. */
export function principalKey(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type?: string; userEntityRef?: string; subject?: string }
    | undefined;
  switch (principal?.type) {
    case 'user':
      return `user:${principal.userEntityRef}`;
    case 'service':
      return `service:${principal.subject}`;
    default:
      return String(principal?.type ?? 'none');
  }
}

/**
 * Asks the policy once per caller what it may read, as the catalog does: a
 * conditional decision for `gitops.release.read` whose criteria the store
 * turns into a where-clause, instead of one check per release. Decisions
 * are kept per principal for `cacheSeconds` (0: asked on every request),
 * so a policy change or a user's new group shows within that time.
 */
export class ReadDecisions {
  private readonly cache: ExpiringCache<ReadDecision>;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      cacheSeconds?: number;
      /** What the kept decisions may weigh together; conditions are small. */
      maxBytes?: number;
    },
  ) {
    this.cache = new ExpiringCache({
      ttlMs: (options.cacheSeconds ?? 10) * 1000,
      maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
    });
  }

  async decide(credentials: BackstageCredentials): Promise<ReadDecision> {
    return this.cache.get(principalKey(credentials), () =>
      this.ask(credentials),
    );
  }

  private async ask(credentials: BackstageCredentials): Promise<ReadDecision> {
    const { permissions } = this.options;
    const [[read], [diagnostics]] = await Promise.all([
      permissions.authorizeConditional([{ permission: gitopsReadPermission }], {
        credentials,
      }),
      permissions.authorize([{ permission: gitopsDiagnosticsReadPermission }], {
        credentials,
      }),
    ]);
    let releases: ReadDecision['releases'];
    if (read.result === AuthorizeResult.CONDITIONAL) {
      releases = toReleaseFilter(read.conditions) as ReleaseFilter;
    } else {
      releases = read.result === AuthorizeResult.ALLOW ? 'all' : 'none';
    }
    return {
      releases,
      diagnostics: diagnostics.result === AuthorizeResult.ALLOW,
    };
  }
}
