// SQLite and PostgreSQL both cap the parameters of one statement; large
// whereIn lists and inserts go in batches well below either cap.
const BATCH_SIZE = 200;

/** Splits `items` into consecutive batches for one statement each. */
export function queryBatches<T>(items: T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    batches.push(items.slice(i, i + BATCH_SIZE));
  }
  return batches;
}
