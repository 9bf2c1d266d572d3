import { YAMLMap } from 'yaml';
import { parseImageReference } from '@backstage-gitops/plugin-gitops-common';
import { AnnotatedImagePaths } from './fluxAnnotations';
import { FoundImage } from './imageShapes';
import { nodeAtDotPath, stringValue, tagValue } from './valueNodes';

export type AnnotatedImages = {
  images: FoundImage[];
  /** Why an annotated container has no image (its owners asked for one), by the annotation at fault. */
  problems: Array<{ annotation: string; message: string }>;
};

function annotationKey(part: string, container: string): string {
  return `${part}.fluxcd.io/${container}`;
}

function describe(container: string, part: string, path: string): string {
  return `${annotationKey(part, container)} names spec.values.${path}`;
}

/**
 * Images placed by `repository.fluxcd.io/<c>`, `tag.fluxcd.io/<c>` and
 * `registry.fluxcd.io/<c>` (dot paths under spec.values). As in fluxd the
 * repository path is required; without a tag path the repository value holds
 * the tag too, and without a registry path any host is part of it.
 */
export function findImagesByAnnotation(
  values: YAMLMap | undefined,
  imagePaths: ReadonlyMap<string, AnnotatedImagePaths>,
): AnnotatedImages {
  const images: FoundImage[] = [];
  const problems: AnnotatedImages['problems'] = [];

  for (const [container, paths] of imagePaths) {
    if (!paths.repository) {
      problems.push({
        annotation: annotationKey(paths.tag ? 'tag' : 'registry', container),
        message: `container ${container} has image path annotations but no repository.fluxcd.io/${container}, so its image is not tracked`,
      });
      continue;
    }
    const lookup = (path: string) =>
      values ? nodeAtDotPath(values, path) : undefined;

    const repositoryText = stringValue(lookup(paths.repository));
    const name =
      repositoryText === undefined
        ? undefined
        : parseImageReference(repositoryText);
    if (!name) {
      problems.push({
        annotation: annotationKey('repository', container),
        message: `${describe(
          container,
          'repository',
          paths.repository,
        )}, which ${
          repositoryText === undefined
            ? 'is not a string in the values'
            : `holds ${JSON.stringify(repositoryText)}, not an image`
        }`,
      });
      continue;
    }

    let tag: string | undefined;
    if (paths.tag) {
      tag = tagValue(lookup(paths.tag));
      if (tag === undefined) {
        problems.push({
          annotation: annotationKey('tag', container),
          message: `${describe(
            container,
            'tag',
            paths.tag,
          )}, which is not a string in the values`,
        });
        continue;
      }
    }

    let registry: string | undefined;
    if (paths.registry) {
      registry = stringValue(lookup(paths.registry));
      if (!registry) {
        problems.push({
          annotation: annotationKey('registry', container),
          message: `${describe(
            container,
            'registry',
            paths.registry,
          )}, which is not a string in the values`,
        });
        continue;
      }
    }

    const effectiveRegistry = registry ?? name.registry;
    images.push({
      container,
      ...(effectiveRegistry !== undefined
        ? { registry: effectiveRegistry }
        : {}),
      repository: name.repository,
      tag: tag ?? name.tag,
      ...(name.digest !== undefined ? { digest: name.digest } : {}),
      paths: {
        ...(paths.registry ? { registry: paths.registry } : {}),
        repository: paths.repository,
        ...(paths.tag ? { tag: paths.tag } : {}),
      },
      shape: 'annotation-paths',
    });
  }
  return { images, problems };
}
