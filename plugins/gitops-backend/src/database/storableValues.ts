import { ReleaseRecord } from './SyncStateStore';

/**
 * Longest value of a `string` column: knex creates them as varchar(255) on
 * PostgreSQL, which refuses longer values (SQLite stores anything).
 */
export const STRING_COLUMN_LENGTH = 255;

/** Longest problem or error text kept; a config repository may hold anything. */
export const MESSAGE_LENGTH = 2000;

/** PostgreSQL refuses NUL in text; neither database needs it. */
// eslint-disable-next-line no-control-regex -- NUL is the character removed
const NUL = /\u0000/g;

/** Characters as PostgreSQL counts them (code points, not UTF-16 units). */
const lengthOf = (value: string) =>
  value.length <= STRING_COLUMN_LENGTH ? value.length : [...value].length;

/**
 * Text made fit for a column of at most `max` characters: NUL bytes removed,
 * and cut with an ellipsis when too long.
 */
export function storableText(text: string, max = MESSAGE_LENGTH): string {
  const clean = text.replace(NUL, '');
  if (lengthOf(clean) <= max) return clean;
  return `${[...clean].slice(0, max - 1).join('')}…`;
}

/**
 * Why one release record cannot be stored as it is (a value longer than its
 * column, a NUL byte, two images of one container), or undefined when it can.
 * Checked before the sync's transaction, so that one odd value costs its own
 * file and not the whole repository's sync. JSON columns need no check:
 * JSON.stringify escapes NUL.
 */
export function unstorableReason(record: ReleaseRecord): string | undefined {
  const strings: Array<[string, string | undefined]> = [
    ['environment', record.environment],
    ['metadata.namespace', record.namespace],
    ['metadata.name', record.name],
    ['spec.releaseName', record.releaseName],
    ['apiVersion', record.apiVersion],
    ['chart name', record.chartName],
    ['chart version', record.chartVersion],
    ['chart revision', record.chartRevision],
    ['commit', record.commit],
  ];
  for (const image of record.images) {
    const where = `image of container ${storableText(image.container, 64)}`;
    strings.push(
      [`container name`, image.container],
      [`${where}: registry`, image.registry],
      [`${where}: repository`, image.repository],
      [`${where}: tag`, image.tag],
      [`${where}: policy`, image.policy],
    );
  }
  for (const [field, value] of strings) {
    if (value === undefined) continue;
    if (value.includes('\u0000')) return `${field} contains a NUL byte`;
    if (lengthOf(value) > STRING_COLUMN_LENGTH) {
      return `${field} is ${lengthOf(
        value,
      )} characters long, over the limit of ${STRING_COLUMN_LENGTH}`;
    }
  }
  for (const [field, value] of [
    ['source path', record.sourcePath],
    ['chart path', record.chartPath],
  ] as const) {
    if (value?.includes('\u0000')) return `${field} contains a NUL byte`;
  }
  const containers = record.images.map(image => image.container);
  const twice = containers.find((c, i) => containers.indexOf(c) !== i);
  if (twice !== undefined) {
    return `two images for container ${storableText(twice, 64)}`;
  }
  return undefined;
}
