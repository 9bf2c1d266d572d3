import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ImageName } from '@backstage-gitops/plugin-gitops-common';
import { durationToMilliseconds } from '@backstage/types';
import { ScheduleConfig } from '../config';
import { ImmediateRun } from '../kernel';
import { ImageAutomation } from './ImageAutomation';

export const automationTaskId = (repositoryId: string) =>
  `gitops-image-automation:${repositoryId}`;

/** Starts image automation now for images a registry says were pushed. */
export interface ImageScanTrigger {
  /**
   * Runs each repository's automation for these images only, now (or once
   * more after the current run), without waiting. A repository none of
   * whose releases deploys one of them reads its releases and stops.
   */
  scanImages(images: ImageName[]): void;
}

/** What the runs since the last one asked for: some images, or all (unset). */
type ScanRequest = { images?: ImageName[] };

const sameName = (a: ImageName, b: ImageName) =>
  a.host === b.host && a.repository === b.repository;

function mergeRequests(earlier: ScanRequest, later: ScanRequest): ScanRequest {
  if (!earlier.images || !later.images) return {};
  const images = [...earlier.images];
  for (const image of later.images)
    if (!images.some(i => sameName(i, image))) images.push(image);
  return { images };
}

/**
 * One scheduled image-automation task per repository (the fallback, a scan
 * of every image), and scans of named images on registry notifications,
 * through one per-repository gate: never two runs of a repository at once
 * in this process, and notifications during a run coalesce into one more.
 */
export class AutomationScheduler implements ImageScanTrigger {
  private readonly runs = new Map<string, ImmediateRun<ScanRequest>>();

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      schedule: ScheduleConfig;
      logger: LoggerService;
      /** Aborts immediate runs when the backend stops. */
      stopSignal?: AbortSignal;
    },
  ) {}

  async schedule(automations: Map<string, ImageAutomation>): Promise<void> {
    const { scheduler, schedule, logger } = this.options;
    for (const [repositoryId, automation] of automations) {
      const run = new ImmediateRun<ScanRequest>({
        name: automationTaskId(repositoryId),
        timeoutMs: durationToMilliseconds(schedule.timeout),
        logger,
        stopSignal: this.options.stopSignal,
        merge: mergeRequests,
        work: async ({ images }, signal) => {
          await automation.run(signal, images ? { images } : undefined);
        },
      });
      this.runs.set(repositoryId, run);
      await scheduler.scheduleTask({
        id: automationTaskId(repositoryId),
        scope: 'global',
        ...schedule,
        fn: abortSignal => run.request({}, abortSignal),
      });
    }
  }

  scanImages(images: ImageName[]): void {
    if (images.length === 0) return;
    for (const run of this.runs.values()) void run.request({ images });
  }

  /** Resolves once no run of the repository is on or waiting: for tests. */
  async whenIdle(repositoryId: string): Promise<void> {
    await this.runs.get(repositoryId)?.whenIdle();
  }
}
