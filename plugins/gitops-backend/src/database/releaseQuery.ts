import { Knex } from 'knex';
import { ReleaseFilter, ReleaseMatch } from './SyncStateStore';

type Where = Knex.QueryBuilder;
type LabelSelector = ReleaseMatch['labelSelectors'][number];

/** Entity refs compare case-insensitively; owners are stored lower-cased. */
const lowerCased = (refs: string[]) =>
  refs.map(ref => ref.toLocaleLowerCase('en-US'));

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
 * The candidates of one label selector: the releases carrying its first
 * `=` term, through the (key, value) index; every release when it has none.
 * Its other terms are checked on the candidates' rows (see
 * {@link selectorMatches}): a correlated NOT EXISTS per term lets the
 * planner pick an anti-join over every release carrying that label (half
 * the fleet for `tier!=db`) whenever its statistics lag a large sync.
 */
function labelSelectorCandidates(db: Knex, selector: LabelSelector): Where {
  const first = selector.find(term => term.op === '=');
  if (!first) return db('gitops_releases').select('id');
  return db('gitops_release_labels')
    .select('release_id as id')
    .where({ key: first.key, value: first.value });
}

/** Whether labels satisfy every term of a selector (a missing label differs from any value). */
export function selectorMatches(
  labels: Record<string, string>,
  selector: LabelSelector,
): boolean {
  return selector.every(({ key, value, op }) =>
    op === '=' ? labels[key] === value : labels[key] !== value,
  );
}

/**
 * Narrows a query over `gitops_releases` to the candidates of an entity's
 * match: by chart name, by release id (images, decided beforehand), or by
 * any of its label selectors' candidates, as one set of ids the database
 * reads through its indexes once. The caller checks the selectors' other
 * terms on the rows. Selects nothing when the match names nothing.
 */
export function whereEntityMatch(
  db: Knex,
  query: Where,
  match: {
    chartNames: string[];
    releaseIds: number[];
    labelSelectors: LabelSelector[];
  },
): Where {
  const { chartNames, releaseIds, labelSelectors } = match;
  const parts: Where[] = [];
  if (chartNames.length > 0) {
    parts.push(
      db('gitops_releases').select('id').whereIn('chart_name', chartNames),
    );
  }
  for (const selector of labelSelectors)
    parts.push(labelSelectorCandidates(db, selector));
  if (parts.length === 0 && releaseIds.length === 0) return never(query);
  return query.where(inner => {
    if (parts.length > 0) {
      const [first, ...rest] = parts;
      inner.orWhereIn(
        'gitops_releases.id',
        rest.length > 0 ? first.union(rest) : first,
      );
    }
    if (releaseIds.length > 0)
      inner.orWhereIn('gitops_releases.id', releaseIds);
  });
}
