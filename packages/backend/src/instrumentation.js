// OpenTelemetry for the demo backend, loaded before anything else with
// `--require` (the `start` script of this package; in production
// `node --require ./src/instrumentation.js .`), as Backstage's "Setup
// OpenTelemetry" tutorial does it. Plugins meter through the OpenTelemetry
// API (the gitops plugin through Backstage's metrics service); this starts
// the SDK behind that API, so it must run before the first meter is made.
//
// Metrics only: a Prometheus scrape endpoint at
// http://<OTEL_EXPORTER_PROMETHEUS_HOST>:<OTEL_EXPORTER_PROMETHEUS_PORT>/metrics
// (the specification's variables; localhost and 9464 when unset). Traces
// and logs stay off, so nothing is sent anywhere.

const { isMainThread } = require('node:worker_threads');

// Worker threads load this file too; one SDK per process.
if (isMainThread) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const port = Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 9464);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(
      `OTEL_EXPORTER_PROMETHEUS_PORT must be a TCP port, not "${process.env.OTEL_EXPORTER_PROMETHEUS_PORT}"`,
    );
  }
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'backstage-gitops-demo',
    metricReaders: [
      new PrometheusExporter({
        host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || undefined,
        port,
      }),
    ],
    // Without these the SDK would export traces and logs over OTLP by default.
    spanProcessors: [],
    logRecordProcessors: [],
  });
  sdk.start();
  module.exports = { sdk, metricsPort: port };
}
