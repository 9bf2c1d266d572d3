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
 * The ids of the releases one label selector selects: the first `=` term
 * through the (key, value) index, the other `=` terms and every `!=` term
 * (a missing label differs too) checked on those rows only.
 */
function labelSelectorIds(db: Knex, selector: LabelSelector): Where {
  const equal = selector.filter(term => term.op === '=');
  const differ = selector.filter(term => term.op === '!=');
  const labelled = (alias: string, { key, value }: LabelSelector[number]) =>
    db(`gitops_release_labels as ${alias}`)
      .select(db.raw('1'))
      .whereRaw(`${alias}.release_id = candidate.id`)
      .where({ [`${alias}.key`]: key, [`${alias}.value`]: value });
  // Without an equality term, every release is a candidate.
  const candidates = equal.length > 0
    ? db('gitops_release_labels as candidate_label')
        .select('candidate_label.release_id as id')
        .where({ 'candidate_label.key': equal[0].key, 'candidate_label.value': equal[0].value })
    : db('gitops_releases').select('gitops_releases.id as id');
  const query = db.select('candidate.id').from(candidates.as('candidate'));
  equal.slice(1).forEach((term, i) => query.whereExists(labelled(`e${i}`, term)));
  differ.forEach((term, i) => query.whereNotExists(labelled(`d${i}`, term)));
  return query;
}

/**
 * Narrows a query over `gitops_releases` to those an entity selects: by
 * chart name, by release id (images, decided beforehand), or by any of its
 * label selectors, as one set of ids the database can hash once. Selects
 * nothing when the match names nothing.
 */
export function whereEntityMatch(
  db: Knex,
  query: Where,
  match: { chartNames: string[]; releaseIds: number[]; labelSelectors: LabelSelector[] },
): Where {
  const { chartNames, releaseIds, labelSelectors } = match;
  const parts: Where[] = [];
  if (chartNames.length > 0) {
    parts.push(db('gitops_releases').select('id').whereIn('chart_name', chartNames));
  }
  for (const selector of labelSelectors) parts.push(labelSelectorIds(db, selector));
  if (parts.length === 0 && releaseIds.length === 0) return never(query);
  return query.where(inner => {
    if (parts.length > 0) {
      const [first, ...rest] = parts;
      inner.orWhereIn('gitops_releases.id', rest.length > 0 ? first.union(rest) : first);
    }
    if (releaseIds.length > 0) inner.orWhereIn('gitops_releases.id', releaseIds);
  });
}
