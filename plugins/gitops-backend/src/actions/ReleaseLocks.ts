import {
  GitopsCommitResult,
  GitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { ReleaseRecord } from '../database';
import {
  AnnotationChange,
  lockChange,
  rewriteAnnotations,
  unlockChange,
} from '../edits';
import { checkLockParty, partyOf } from './automationParty';
import { actionMessage, subjectOf } from './commitMessages';
import { releaseAtHead } from './releaseAtHead';
import { readsAnnotationsFrom, refuseSharedFile } from './sharedFile';
import { ReleaseActionOptions, requireRelease } from './writers';

type LockRequest = { actor: string; message?: string };

/**
 * Locking a release against image automation (Flux v1's
 * `fluxcd.io/locked`), and unlocking it, as one commit each. Locking a
 * locked release, or unlocking one that is not, commits nothing.
 *
 * The lock is written where per-environment edits go (`sourcePath`: in
 * Flux v2's layout the overlay's patch), never in a file other
 * environments read too. Only this plugin's image automation honours it: a
 * repository Flux automates is refused (see `checkLockParty`).
 */
export class ReleaseLocks {
  private readonly clock: () => Date;

  constructor(private readonly options: ReleaseActionOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  lock(
    key: GitopsReleaseKey,
    request: LockRequest,
  ): Promise<GitopsCommitResult> {
    const message =
      request.message?.trim() || `Locked from Backstage by ${request.actor}`;
    return this.commit(key, request.actor, {
      type: 'locked',
      wanted: true,
      change: lockChange(request.actor, message),
      subject: release => `Lock ${release.name} in ${release.environment}`,
      body: [message],
      details: { message },
    });
  }

  unlock(
    key: GitopsReleaseKey,
    request: LockRequest,
  ): Promise<GitopsCommitResult> {
    return this.commit(key, request.actor, {
      type: 'unlocked',
      wanted: false,
      change: unlockChange(),
      subject: release => `Unlock ${release.name} in ${release.environment}`,
      body: [],
      details: {},
    });
  }

  private async commit(
    key: GitopsReleaseKey,
    actor: string,
    action: {
      type: 'locked' | 'unlocked';
      /** Whether the release is locked afterwards. */
      wanted: boolean;
      change: AnnotationChange;
      subject: (release: ReleaseRecord) => string;
      body: string[];
      details: Record<string, unknown>;
    },
  ): Promise<GitopsCommitResult> {
    const { syncStateStore, eventStore } = this.options;
    const release = await requireRelease(syncStateStore, key);
    const writer = this.options.writers(release.repository);
    const path = release.sourcePath;
    await checkLockParty(
      syncStateStore,
      partyOf(writer.repository),
      release,
      action.wanted ? 'lock' : 'unlock',
    );
    await refuseSharedFile(syncStateStore, release, {
      what: 'lock',
      path,
      reads: readsAnnotationsFrom(path),
    });
    const written = await writer.write(
      async snapshot => {
        const at = await releaseAtHead(snapshot, release);
        if (at.locked === action.wanted) return undefined;
        const { content, changed } = rewriteAnnotations(
          path,
          at.content,
          at.document,
          action.change,
        );
        if (!changed) return undefined;
        return {
          files: new Map([[path, Buffer.from(content, 'utf8')]]),
          message: actionMessage({
            subject: action.subject(release),
            body: action.body,
            actor,
          }),
          value: undefined,
        };
      },
      { reason: action.wanted ? 'lock' : 'unlock' },
    );
    if (!written) return { changed: false, path, requestedBy: actor };
    await eventStore.addEvents([
      {
        type: action.type,
        repository: release.repository,
        ...key,
        commit: written.commit,
        author: writer.repository.author.name,
        message: subjectOf(written.message),
        actor,
        details: action.details,
        at: this.clock(),
      },
    ]);
    return { commit: written.commit, changed: true, path, requestedBy: actor };
  }
}
