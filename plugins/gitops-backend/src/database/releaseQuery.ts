import { Knex } from 'knex';
import { ReleaseFilter, ReleaseMatch } from './SyncStateStore';

type Where = Knex.QueryBuilder;
type LabelSelector = ReleaseMatch['labelSelectors'][number];

/** Entity refs compare case-insensitively; owners are stored lower-cased. */
const lowerCased = (refs: string[]) => refs.map(ref => ref.toLocaleLowerCase('en-US'));

/** A condition that holds for no row, for an empty `anyOf`. */
const never = (query: Where) => query.whereRaw('1 = 0');

/**
 * Narrows a query over `gitops_releases` to the releases a permission filter
 * (the criteria of a conditional decision) lets through: `environment` by
 * the release's environment, `owners` by the owners table the
 * `gitops-release-owners` task keeps.
 */
export function whereReleaseFilter(
  db: Knex,
  query: Where,
  filter: ReleaseFilter,
): Where {
  if ('allOf' in filter) {
    // An empty allOf holds for every release, as the permission framework has it.
    if (filter.allOf.length === 0) return query.whereRaw('1 = 1');
    for (const part of filter.allOf) {
      query.where(inner => {
        whereReleaseFilter(db, inner, part);
      });
    }
    return query;
  }
  if ('anyOf' in filter) {
    if (filter.anyOf.length === 0) return never(query);
    return query.where(inner => {
      for (const part of filter.anyOf) {
        inner.orWhere(branch => {
          whereReleaseFilter(db, branch, part);
        });
      }
    });
  }
  if ('not' in filter) {
    return query.whereNot(inner => {
      whereReleaseFilter(db, inner, filter.not);
    });
  }
  if (filter.values.length === 0) return never(query);
  if (filter.property === 'environment') {
    return query.whereIn('gitops_releases.environment', filter.values);
  }
  if (filter.property === 'owners') {
    return query.whereExists(
      db('gitops_release_owners as o')
        .select(db.raw('1'))
        .whereRaw('o.environment = gitops_releases.environment')
        .whereRaw('o.namespace = gitops_releases.namespace')
        .whereRaw('o.name = gitops_releases.name')
        .whereIn('o.owner', lowerCased(filter.values)),
    );
  }
  // A property this store cannot answer lets nothing through.
  return never(query);
}

/**
 * Narrows a query over `gitops_releases` to those one label selector
 * selects: every `=` term through the (key, value) index, every `!=` term
 * as the absence of that label value (a missing label differs too).
 */
function whereLabelSelector(db: Knex, query: Where, selector: LabelSelector): Where {
  // A selector without terms selects every release, as it always did.
  if (selector.length === 0) return query.whereRaw('1 = 1');
  for (const { key, value, op } of selector) {
    const labelled = db('gitops_release_labels as l')
      .select(db.raw('1'))
      .whereRaw('l.release_id = gitops_releases.id')
      .where({ 'l.key': key, 'l.value': value });
    if (op === '=') query.whereExists(labelled);
    else query.whereNotExists(labelled);
  }
  return query;
}

/**
 * Narrows a query over `gitops_releases` to those an entity selects: by
 * chart name, by release id (images, decided beforehand), or by any of its
 * label selectors. Selects nothing when the match names nothing.
 */
export function whereEntityMatch(
  db: Knex,
  query: Where,
  match: { chartNames: string[]; releaseIds: number[]; labelSelectors: LabelSelector[] },
): Where {
  const { chartNames, releaseIds, labelSelectors } = match;
  if (chartNames.length + releaseIds.length + labelSelectors.length === 0) {
    return never(query);
  }
  return query.where(inner => {
    if (chartNames.length > 0) inner.orWhereIn('gitops_releases.chart_name', chartNames);
    if (releaseIds.length > 0) inner.orWhereIn('gitops_releases.id', releaseIds);
    for (const selector of labelSelectors) {
      inner.orWhere(branch => {
        whereLabelSelector(db, branch, selector);
      });
    }
  });
}
