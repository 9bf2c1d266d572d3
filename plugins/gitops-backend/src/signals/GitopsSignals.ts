import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
  gitopsEntitySignalChannel,
  GitopsReleaseKey,
  GitopsSignalMessage,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { SignalsService } from '@backstage/plugin-signals-node';
import { SyncStateStore } from '../database';
import { errorMessage } from '../kernel';
import { EntityIndex } from './EntityIndex';
import { GitopsChanges, KnownReleaseState } from './GitopsChanges';
import { ReleaseMatchFacts } from './releaseMatches';
import { storedReleases } from './releaseStates';

type Pending = {
  releases: Map<string, { key: GitopsReleaseKey; known: ReleaseMatchFacts[] }>;
  environments: Set<string>;
};

const nothingPending = (): Pending => ({
  releases: new Map(),
  environments: new Set(),
});

/**
 * Publishes what the loops report as Backstage signals: one per entity whose
 * card shows a changed release, on the entity's channel, and one on the
 * environments channel. Reports are gathered for `debounceMs`, so a sync
 * of thousands of releases signals each entity once. Messages carry no
 * release data (a broadcast reaches every signed-in user): the cards read
 * again through the permission-checked API.
 */
export class GitopsSignals implements GitopsChanges {
  private pending = nothingPending();
  private timer?: ReturnType<typeof setTimeout>;
  private publishing: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  /** Beyond this many entities, one signal on the channel every card listens to. */
  private readonly maxEntitySignals: number;

  constructor(
    private readonly options: {
      signals: SignalsService;
      entities: Pick<EntityIndex, 'entitiesShowing'>;
      syncStateStore: Pick<
        SyncStateStore,
        'getRelease' | 'releasesOfEnvironments'
      >;
      logger: LoggerService;
      debounceMs?: number;
      maxEntitySignals?: number;
    },
  ) {
    this.debounceMs = options.debounceMs ?? 200;
    this.maxEntitySignals = options.maxEntitySignals ?? 500;
  }

  releasesChanged(
    keys: GitopsReleaseKey[],
    known: KnownReleaseState[] = [],
  ): void {
    const { releases } = this.pending;
    const entry = (key: GitopsReleaseKey) => {
      const text = stringifyGitopsReleaseKey(key);
      let found = releases.get(text);
      if (!found) {
        found = {
          key: {
            environment: key.environment,
            namespace: key.namespace,
            name: key.name,
          },
          known: [],
        };
        releases.set(text, found);
      }
      return found;
    };
    keys.forEach(entry);
    for (const state of known) {
      entry(state).known.push({
        chartName: state.chartName,
        labels: state.labels,
        images: state.images,
      });
    }
    this.schedule();
  }

  environmentsChanged(names: string[]): void {
    names.forEach(name => this.pending.environments.add(name));
    // Reported with no names, it still signals.
    if (names.length === 0) this.pending.environments.add('');
    this.schedule();
  }

  /** Publishes what is pending now, and waits for every publication started. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = nothingPending();
    this.publishing = this.publishing.then(() => this.publish(batch));
    await this.publishing;
  }

  /** Stops the timer; what is pending is dropped (the backend is stopping). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined);
    }, this.debounceMs);
    this.timer.unref?.();
  }

  /** Never throws: a lost signal only leaves a card to its next read. */
  private async publish(batch: Pending): Promise<void> {
    const { logger } = this.options;
    try {
      const entities = await this.entitiesOf([...batch.releases.values()]);
      const environments = [...batch.environments].filter(Boolean).sort();
      if (entities.size > this.maxEntitySignals) {
        // Every card listens to the environments channel too.
        await this.send(GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL, {
          type: 'changed',
          environments,
        });
        logger.info('Signalled a change to every gitops card', {
          entities: entities.size,
        });
        return;
      }
      for (const ref of [...entities].sort()) {
        await this.send(gitopsEntitySignalChannel(ref), { type: 'changed' });
      }
      if (batch.environments.size > 0) {
        await this.send(GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL, {
          type: 'changed',
          ...(environments.length > 0 ? { environments } : {}),
        });
      }
      if (entities.size > 0 || batch.environments.size > 0) {
        logger.debug('Signalled gitops changes', {
          releases: batch.releases.size,
          entities: entities.size,
          environments: environments.join(','),
        });
      }
    } catch (error) {
      logger.warn('Could not signal gitops changes', {
        error: errorMessage(error),
      });
    }
  }

  private async send(channel: string, message: GitopsSignalMessage) {
    await this.options.signals.publish({
      recipients: { type: 'broadcast' },
      channel,
      message,
    });
  }

  /** The releases' states (those at hand, else the stored ones), mapped to entities. */
  private async entitiesOf(
    releases: Array<{ key: GitopsReleaseKey; known: ReleaseMatchFacts[] }>,
  ): Promise<Set<string>> {
    if (releases.length === 0) return new Set();
    const states = releases.flatMap(r => r.known);
    const unknown = releases.filter(r => r.known.length === 0).map(r => r.key);
    states.push(
      ...(await storedReleases(this.options.syncStateStore, unknown)),
    );
    return this.options.entities.entitiesShowing(states);
  }
}
