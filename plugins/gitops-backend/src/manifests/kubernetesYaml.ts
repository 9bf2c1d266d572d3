import type { DocumentOptions, ParseOptions, SchemaOptions, Tags } from 'yaml';

/**
 * How Kubernetes and Helm read YAML (sigs.k8s.io/yaml over go-yaml v2), as
 * far as the yaml library can follow: YAML 1.1 scalars (`yes`, `on` and `0755`
 * are a boolean and an octal number to them, so to us) and `<<` merge keys,
 * but timestamps stay strings, as go-yaml v2 keeps them when decoding into
 * untyped values. Anything that rewrites these files should parse them with
 * the same options so that document indexes and node ranges agree.
 */
export const KUBERNETES_YAML_OPTIONS: ParseOptions &
  DocumentOptions &
  SchemaOptions = Object.freeze({
  version: '1.1',
  merge: true,
  customTags: (tags: Tags) =>
    tags.filter(
      tag =>
        typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp',
    ),
});
