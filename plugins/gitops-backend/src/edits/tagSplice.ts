import { Document, Scalar, isAlias, isScalar } from 'yaml';
import { parseImageReference } from '@backstage-gitops/plugin-gitops-common';
import { ImageReference } from '../manifests';
import { stringValue, tagValue } from '../manifests';
import { scalarSource } from './scalarSource';
import { TextSplice } from './textSplice';
import { valueNodeAt } from './valueNodeAt';

/**
 * Builds the error for a value path under `spec.values` (undefined when the
 * problem is the image as a whole); the caller adds file and document.
 */
export type EditProblem = (
  valuePath: string | undefined,
  message: string,
) => Error;

/**
 * The scalar at a value path, refusing anything else. An alias would make
 * the rewrite land somewhere other than the path; a mapping or sequence
 * holds no tag.
 */
function scalarAt(
  document: Document.Parsed,
  valuePath: string,
  problem: EditProblem,
): Scalar {
  const node = valueNodeAt(document, valuePath);
  if (node === undefined) throw problem(valuePath, 'is not in the file');
  if (isAlias(node)) {
    throw problem(valuePath, `is an alias (*${node.source}), not a value`);
  }
  if (!isScalar(node) || !node.range) {
    throw problem(valuePath, 'is not a scalar value');
  }
  return node;
}

function replaceScalar(
  node: Scalar,
  value: string,
  valuePath: string,
  problem: EditProblem,
): TextSplice {
  const text = scalarSource(node, value);
  if (text === undefined) {
    throw problem(
      valuePath,
      'is written as a block scalar (| or >); write it on one line so automation can update it',
    );
  }
  const [start, end] = node.range!;
  return { start, end, text };
}

/** The value path holding `repo[:tag]` when the tag has no value of its own. */
function namePath(image: ImageReference): string | undefined {
  return image.paths.image ?? image.paths.repository;
}

/**
 * The splice that writes `newTag` for one image, in the shape it was found:
 * into the tag's own value when it has one, else into the tag part of the
 * `repo:tag` string (adding `:tag` when none was written). Before writing,
 * the file must still say what the parse said: the old tag, and the same
 * repository where a name is written. Anything else means the file changed
 * since, and guessing where the tag went could break a release.
 *
 * Undefined when the file already holds `newTag`.
 */
export function tagSplice(
  document: Document.Parsed,
  image: ImageReference,
  newTag: string,
  problem: EditProblem,
): TextSplice | undefined {
  if (image.digest) {
    throw problem(
      namePath(image) ?? image.paths.tag,
      `pins ${image.repository} by digest, so its tag is not automated`,
    );
  }
  if (image.imagePolicyRef?.field === 'name') {
    throw problem(
      namePath(image),
      'carries an image policy marker for the name only; mark the tag with ":tag" for automation to write it',
    );
  }

  const nameAt = namePath(image);
  let nameNode: Scalar | undefined;
  if (nameAt) {
    nameNode = scalarAt(document, nameAt, problem);
    const written = stringValue(nameNode);
    const name =
      written === undefined ? undefined : parseImageReference(written);
    if (!name || name.repository !== image.repository) {
      throw problem(
        nameAt,
        `holds ${JSON.stringify(written ?? nameNode.value)}, not the image ${
          image.repository
        }; the file changed since it was read`,
      );
    }
    if (name.digest) {
      throw problem(nameAt, `pins ${image.repository} by digest`);
    }
    if (!image.paths.tag && name.tag !== image.tag) {
      throw problem(
        nameAt,
        `holds the tag ${JSON.stringify(name.tag)}, not ${JSON.stringify(
          image.tag,
        )}; the file changed since it was read`,
      );
    }
  }

  if (image.paths.tag) {
    const tagAt = image.paths.tag;
    const node = scalarAt(document, tagAt, problem);
    const written = tagValue(node);
    if (written !== image.tag) {
      throw problem(
        tagAt,
        `holds ${
          written === undefined
            ? 'no tag'
            : `the tag ${JSON.stringify(written)}`
        }, not ${JSON.stringify(
          image.tag,
        )}; the file changed since it was read`,
      );
    }
    return written === newTag
      ? undefined
      : replaceScalar(node, newTag, tagAt, problem);
  }

  if (!nameAt || !nameNode) {
    throw problem(
      undefined,
      `has no value that holds the tag of ${image.repository}`,
    );
  }
  if (image.tag === newTag) return undefined;
  const written = stringValue(nameNode)!;
  const withoutTag = image.tag
    ? written.slice(0, written.length - image.tag.length - 1)
    : written;
  return replaceScalar(nameNode, `${withoutTag}:${newTag}`, nameAt, problem);
}
