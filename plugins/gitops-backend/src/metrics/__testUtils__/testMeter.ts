import {
  DataPoint,
  Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { GitopsMetrics } from '../GitopsMetrics';

/** A reader that exports nowhere: tests collect from it when they want. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export type CounterPoint = {
  attributes: Record<string, unknown>;
  value: number;
};
export type HistogramPoint = {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
};

/**
 * GitopsMetrics over a real OpenTelemetry SDK meter, and what it recorded:
 * each data point of a metric with its attributes, as an exporter sees it.
 */
export function createTestMetrics() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = new GitopsMetrics(provider.getMeter('gitops-test'));

  async function points(name: string): Promise<Array<DataPoint<unknown>>> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    const found = resourceMetrics.scopeMetrics
      .flatMap(scope => scope.metrics)
      .filter(metric => metric.descriptor.name === name);
    return found.flatMap(
      metric => metric.dataPoints as Array<DataPoint<unknown>>,
    );
  }

  return {
    metrics,
    /** The unit a metric was declared with. */
    async unitOf(name: string): Promise<string | undefined> {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap(scope => scope.metrics)
        .find(metric => metric.descriptor.name === name)?.descriptor.unit;
    },
    /** Counter and gauge points: the value per attribute set. */
    async values(name: string): Promise<CounterPoint[]> {
      return (await points(name)).map(p => ({
        attributes: { ...p.attributes },
        value: p.value as number,
      }));
    },
    /** Histogram points: how many values per attribute set, and their sum. */
    async histograms(name: string): Promise<HistogramPoint[]> {
      return (await points(name)).map(p => {
        const value = p.value as Histogram;
        return {
          attributes: { ...p.attributes },
          count: value.count,
          sum: value.sum ?? 0,
        };
      });
    },
    shutdown: () => provider.shutdown(),
  };
}
