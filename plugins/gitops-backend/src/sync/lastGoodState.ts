import { FileProblem, FluxObjectRecord, ReleaseRecord } from '../database';
import { ManifestSource } from '../manifests';

/** One release a file read in this sync describes, ready to store. */
export type CandidateRelease = {
  record: ReleaseRecord;
  source: ManifestSource;
};

/** What this sync read of one file. */
export type FileRead = {
  path: string;
  /** Unset for files outside every environment (`clusters/`): Flux objects only. */
  environment?: string;
  /**
   * The file did not read cleanly (see RepositorySync): it contributes no
   * release, and the releases its last good version described stay stored.
   */
  broken: boolean;
  problems: FileProblem[];
  releases: CandidateRelease[];
  /** The file's Flux objects; stored only when the file reads cleanly. */
  fluxObjects?: FluxObjectRecord[];
};

export type SettledReleases = {
  /** Releases to store, from files that read cleanly. */
  releases: ReleaseRecord[];
  /** Every problem, those of broken files marked blocking. */
  problems: FileProblem[];
  /** Files held at their last good state. */
  keptPaths: Set<string>;
};

type Holder = { owner: object; where: string };

const describe = (source: ManifestSource) =>
  `${source.path} (document ${source.document}, line ${source.line})`;

/**
 * Decides what a sync stores. A file that did not read cleanly keeps its last
 * good state. Two releases of one environment may not share a name or a Helm
 * release name (in one namespace): the one already stored from its file keeps
 * its place, then the first by path; the other's file is broken. Breaking a
 * file brings its last good releases back into play, which may displace a
 * release of another file, so each clash breaks one file and the claims start
 * over, until none is left (the set of broken files only grows, so it ends).
 *
 * @param before - the stored releases of every file this sync read
 * @param untouched - stored releases of files this sync did not read that
 *   share a name with a candidate (incremental syncs only)
 */
export function settleReleases(
  files: FileRead[],
  before: ReleaseRecord[],
  untouched: ReleaseRecord[],
): SettledReleases {
  const broken = new Set(files.filter(f => f.broken).map(f => f.path));
  const duplicateProblems: FileProblem[] = [];
  const incumbent = new Set(
    before.map(r =>
      JSON.stringify([r.environment, r.namespace, r.name, r.sourcePath]),
    ),
  );
  const isIncumbent = ({ record }: CandidateRelease) =>
    incumbent.has(
      JSON.stringify([
        record.environment,
        record.namespace,
        record.name,
        record.sourcePath,
      ]),
    );
  const bySource = (a: CandidateRelease, b: CandidateRelease) =>
    Number(isIncumbent(b)) - Number(isIncumbent(a)) ||
    Number(a.source.path > b.source.path) -
      Number(a.source.path < b.source.path) ||
    a.source.document - b.source.document;

  for (;;) {
    const holders = new Map<string, Holder>();
    const claim = (record: ReleaseRecord, holder: Holder) => {
      for (const key of keysOf(record)) {
        if (!holders.has(key)) holders.set(key, holder);
      }
    };
    for (const record of [
      ...untouched,
      ...before.filter(r => broken.has(r.sourcePath)),
    ]) {
      claim(record, { owner: record, where: record.sourcePath });
    }

    const candidates = files
      .filter(f => !broken.has(f.path))
      .flatMap(f => f.releases)
      .sort(bySource);
    let clashed: string | undefined;
    for (const candidate of candidates) {
      const { record, source } = candidate;
      const [nameKey, releaseNameKey] = keysOf(record);
      const byName = holders.get(nameKey);
      const byReleaseName = holders.get(releaseNameKey);
      const clash = [byName, byReleaseName].find(
        h => h && h.owner !== candidate,
      );
      if (!clash) {
        claim(record, { owner: candidate, where: describe(source) });
        continue;
      }
      const what = `HelmRelease ${record.namespace}/${
        record.name
      } in ${describe(source)}`;
      duplicateProblems.push({
        environment: record.environment,
        path: source.path,
        line: source.line,
        message:
          clash === byName
            ? `${what} is already defined in ${clash.where}`
            : `${what} uses Helm release name ${record.releaseName} in namespace ${record.namespace}, already used in ${clash.where}`,
      });
      clashed = source.path;
      break;
    }
    if (clashed === undefined) {
      return {
        releases: candidates.map(c => c.record),
        problems: [...files.flatMap(f => f.problems), ...duplicateProblems].map(
          p => (broken.has(p.path) ? { ...p, blocking: true } : p),
        ),
        keptPaths: broken,
      };
    }
    broken.add(clashed);
  }
}

function keysOf(record: ReleaseRecord): [string, string] {
  return [
    JSON.stringify([record.environment, record.namespace, 'name', record.name]),
    JSON.stringify([
      record.environment,
      record.namespace,
      'release',
      record.releaseName,
    ]),
  ];
}
