import { ConflictError, InputError } from '@backstage/errors';
import { Document, parseAllDocuments } from 'yaml';
import { isImageTag } from '@backstage-gitops/plugin-gitops-common';
import { KUBERNETES_YAML_OPTIONS } from '../manifests';
import { EditProblem, tagSplice } from './tagSplice';
import { TextSplice, applySplices } from './textSplice';
import { ImageEdit, RewriteResult } from './types';

function documentsOf(content: string): Document.Parsed[] {
  // The manifests parser's options, so document indexes and ranges agree with the parse the edits came from.
  const parsed = parseAllDocuments(content, KUBERNETES_YAML_OPTIONS);
  if (!Array.isArray(parsed)) return [];
  return parsed;
}

function documentFor(
  path: string,
  documents: Document.Parsed[],
  index: number,
): Document.Parsed {
  const document = documents[index];
  if (!document) {
    throw new ConflictError(
      `${path} has no YAML document ${index}; the file changed since it was read, so nothing was rewritten`,
    );
  }
  if (document.errors.length > 0) {
    throw new ConflictError(
      `${path} document ${index} has YAML errors (${document.errors[0].message
        .split('\n')[0]
        .trim()}); nothing was rewritten`,
    );
  }
  return document;
}

/**
 * Rewrites only the scalars that hold the tags (the `repo:tag` string when
 * the tag lives there), in the shape found. Everything else stays byte for
 * byte: comments (setter markers included, as they sit after the value),
 * key order, quoting style, indentation, line endings, other documents and
 * the trailing newline. The new text is spliced into the original string
 * at each scalar's source range; the document is never re-serialized.
 *
 * All edits apply or none: a value that is not a scalar, or does not hold
 * the tag (and repository) the parse reported, means the file changed since
 * it was read, and this throws `ConflictError` rather than guess. A tag
 * that is not a valid image tag is an `InputError`.
 */
export function rewriteImageTags(
  path: string,
  content: string,
  edits: ImageEdit[],
): RewriteResult {
  for (const edit of edits) {
    if (!isImageTag(edit.newTag)) {
      throw new InputError(
        `${JSON.stringify(edit.newTag)} is not a valid image tag for ${
          edit.image.repository
        }`,
      );
    }
  }
  if (edits.length === 0) return { content, changed: false };

  const documents = documentsOf(content);
  const splices: TextSplice[] = [];
  for (const edit of edits) {
    const document = documentFor(path, documents, edit.document);
    const problem: EditProblem = (valuePath, message) =>
      new ConflictError(
        `${path} document ${edit.document}: ${
          valuePath
            ? `spec.values.${valuePath}`
            : `image ${edit.image.repository}`
        } ${message}`,
      );
    const splice = tagSplice(document, edit.image, edit.newTag, problem);
    if (splice) splices.push(splice);
  }

  const rewritten = applySplices(
    content,
    splices,
    (a, b) =>
      new ConflictError(
        `${path}: two edits write the same value differently (${JSON.stringify(
          a.text,
        )} and ${JSON.stringify(b.text)}); nothing was rewritten`,
      ),
  );
  return { content: rewritten, changed: rewritten !== content };
}
