import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';

export type LogRecord = {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: unknown;
};

/** A LoggerService that keeps every record, so tests can check what would be logged. */
export function createRecordingLogger(): {
  logger: LoggerService;
  records: LogRecord[];
  /** Everything logged, as one string, for "never contains the secret" checks. */
  text(): string;
} {
  const records: LogRecord[] = [];
  const make = (fields: JsonObject): LoggerService => {
    const log =
      (level: LogRecord['level']) =>
      (message: string, meta?: Error | JsonObject) =>
        records.push({
          level,
          message,
          meta:
            meta instanceof Error
              ? { error: String(meta) }
              : { ...fields, ...meta },
        });
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make({ ...fields, ...meta }),
    };
  };
  return {
    logger: make({}),
    records,
    text: () => JSON.stringify(records),
  };
}
