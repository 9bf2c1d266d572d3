/** The columns every per-release table is keyed by. */
export const releaseKeyColumns = ['environment', 'namespace', 'name'];

/** A timestamp column as ISO text; SQLite returns numbers or strings, PostgreSQL dates. */
export function iso(value: Date | string | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).toISOString();
}

export function dateOrNull(value: string | undefined): Date | null {
  return value === undefined ? null : new Date(value);
}

/** Drops the keys whose value is undefined, so records omit what is unset. */
export function defined<T extends object>(record: T): T {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as T;
}

/** Keeps the last item of each key: one upsert statement may not touch a row twice. */
export function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map(item => [key(item), item])).values()];
}
