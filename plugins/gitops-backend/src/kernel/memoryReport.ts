import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CacheBudgets,
  CacheFigures,
  CacheName,
  processCacheBudgets,
} from './CacheBudgets';

/** The process's memory and what the plugin's caches hold of it. */
export type MemoryReport = {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Bytes held by the plugin's caches together, as their budgets weigh them. */
  cacheBytes: number;
  caches: Record<CacheName, CacheFigures>;
};

export function readMemoryReport(
  budgets: CacheBudgets = processCacheBudgets,
): MemoryReport {
  const usage = process.memoryUsage();
  const caches = budgets.report();
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    cacheBytes: Object.values(caches).reduce((sum, f) => sum + f.bytes, 0),
    caches,
  };
}

const mib = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** The report as a log line's fields, in MiB, one field per cache. */
export function memoryLogFields(report: MemoryReport): Record<string, number> {
  const fields: Record<string, number> = {
    rssMiB: mib(report.rssBytes),
    heapUsedMiB: mib(report.heapUsedBytes),
    externalMiB: mib(report.externalBytes),
    cachesMiB: mib(report.cacheBytes),
  };
  for (const [name, figures] of Object.entries(report.caches)) {
    fields[`${name}MiB`] = mib(figures.bytes);
    fields[`${name}Entries`] = figures.entries;
  }
  return fields;
}

/**
 * Logs the memory report every `intervalMs` (`Memory` at info level), so a
 * cache that outgrows its budget or a process that keeps growing shows in
 * the logs. Returns how to stop; the timer never keeps the process alive.
 */
export function startMemoryReports(options: {
  logger: LoggerService;
  intervalMs: number;
  budgets?: CacheBudgets;
}): () => void {
  const { logger, intervalMs, budgets } = options;
  if (!(intervalMs > 0)) return () => {};
  const timer = setInterval(() => {
    logger.info('Memory', memoryLogFields(readMemoryReport(budgets)));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
