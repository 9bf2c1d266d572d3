import { Range, SemVer, compare as compareVersions } from 'semver';
import { creationTime } from './creationTime';
import { compileGoRegexp } from './goRegexp';
import { compileGlob } from './globPattern';
import { CompiledTagFilter, compileTagFilter } from './tagFilter';
import {
  parseLenientVersion,
  parseStrictVersion,
  parseVersionRange,
  parseFluxVersionRange,
} from './tagVersion';
import { PolicyDefinition, TagCandidate } from './types';

/** A tag as a policy sees it. */
export type RankedTag = {
  tag: string;
  createdAt?: string;
  /** Milliseconds; undefined when the creation time is unknown. */
  time?: number;
  /** What `filterTags` extracted, or the tag itself. */
  value: string;
  version?: SemVer;
  number?: number;
};

export type CompiledPolicy = {
  /** Orders by image creation time (glob, regex) rather than by the tag. */
  byTime: boolean;
  /**
   * The tag as the policy orders it, whether or not the policy would choose
   * it; undefined when it cannot be ordered at all (filtered out by
   * `filterTags`, or not a version or number where one is needed). Used to
   * judge a move away from a tag someone wrote by hand.
   */
  read(candidate: TagCandidate): RankedTag | undefined;
  /** The tag is a candidate: readable, passing the pattern or range, and not a stray `latest`. */
  admit(candidate: TagCandidate): RankedTag | undefined;
  /** Above 0 when `a` ranks above `b` by the policy alone; 0 when the policy cannot tell them apart. */
  compare(a: RankedTag, b: RankedTag): number;
};

/** Decimal numbers as Go's ParseFloat reads them, without its hex, `inf` and `nan` forms. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function sign(value: number): number {
  // `|| 0` turns NaN and -0 into 0, as a comparator wants.
  return Math.sign(value) || 0;
}

/** Timed images rank above untimed ones; the later time ranks higher. */
function compareTimes(a: RankedTag, b: RankedTag): number {
  if (a.time === undefined || b.time === undefined) {
    return (a.time === undefined ? 0 : 1) - (b.time === undefined ? 0 : 1);
  }
  return sign(a.time - b.time);
}

function compareText(a: string, b: string): number {
  return Number(a > b) - Number(a < b);
}

/**
 * Flux v1 skips the tag `latest` (any case) unless the filter is exactly
 * `glob:latest`: it moves under everyone's feet, so automation pinning it
 * would pin nothing. We apply this to Flux v2 kinds too, where an
 * alphabetical policy could otherwise pick `latest` over every version.
 */
function isStrayLatest(def: PolicyDefinition, tag: string): boolean {
  if (tag.toLowerCase() !== 'latest') return false;
  return !(def.policy.kind === 'glob' && def.policy.pattern === 'latest');
}

type Reading = {
  byTime: boolean;
  read(base: RankedTag): RankedTag | undefined;
  accepts(ranked: RankedTag): boolean;
  compare(a: RankedTag, b: RankedTag): number;
};

function timeOrdered(matches: (value: string) => boolean): Reading {
  return {
    byTime: true,
    read: base => base,
    accepts: ranked => matches(ranked.value),
    compare: compareTimes,
  };
}

function versionOrdered(
  parse: (text: string) => SemVer | undefined,
  range: Range,
): Reading {
  return {
    byTime: false,
    read: base => {
      const version = parse(base.value);
      return version ? { ...base, version } : undefined;
    },
    accepts: ranked => range.test(ranked.version!),
    compare: (a, b) => compareVersions(a.version!, b.version!),
  };
}

function readingOf(def: PolicyDefinition): Reading {
  const policy = def.policy;
  switch (policy.kind) {
    case 'glob':
      return timeOrdered(compileGlob(policy.pattern));
    case 'regex': {
      const pattern = compileGoRegexp(policy.pattern);
      return timeOrdered(value => pattern.test(value));
    }
    case 'semver':
      return versionOrdered(
        parseLenientVersion,
        parseVersionRange(policy.range),
      );
    case 'semver-strict':
      return versionOrdered(
        parseStrictVersion,
        parseFluxVersionRange(policy.range),
      );
    case 'alphabetical': {
      const direction = policy.order === 'desc' ? -1 : 1;
      return {
        byTime: false,
        read: base => base,
        accepts: () => true,
        compare: (a, b) => direction * compareText(a.value, b.value),
      };
    }
    case 'numerical': {
      const direction = policy.order === 'desc' ? -1 : 1;
      return {
        byTime: false,
        read: base => {
          if (!DECIMAL.test(base.value)) return undefined;
          const number = Number(base.value);
          return Number.isFinite(number) ? { ...base, number } : undefined;
        },
        accepts: () => true,
        compare: (a, b) => direction * sign(a.number! - b.number!),
      };
    }
    default: {
      const unknown: never = policy;
      throw new Error(`unknown image policy ${JSON.stringify(unknown)}`);
    }
  }
}

function compile(def: PolicyDefinition): CompiledPolicy {
  const filter: CompiledTagFilter = compileTagFilter(def.filter);
  const reading = readingOf(def);
  const read = (candidate: TagCandidate): RankedTag | undefined => {
    const value = filter(candidate.tag);
    if (value === undefined) return undefined;
    const time = creationTime(candidate.createdAt);
    return reading.read({
      tag: candidate.tag,
      ...(candidate.createdAt !== undefined
        ? { createdAt: candidate.createdAt }
        : {}),
      ...(time !== undefined ? { time } : {}),
      value,
    });
  };
  return {
    byTime: reading.byTime,
    read,
    admit: candidate => {
      if (isStrayLatest(def, candidate.tag)) return undefined;
      const ranked = read(candidate);
      return ranked && reading.accepts(ranked) ? ranked : undefined;
    },
    compare: reading.compare,
  };
}

/** Policies are asked about many tags in a row; compiling patterns once per definition object saves the work. */
const compiled = new WeakMap<PolicyDefinition, CompiledPolicy>();

/** Throws `ImagePolicyError` when a range or pattern in the definition is invalid. */
export function compilePolicy(def: PolicyDefinition): CompiledPolicy {
  let policy = compiled.get(def);
  if (!policy) {
    policy = compile(def);
    compiled.set(def, policy);
  }
  return policy;
}
