/**
 * Editing config repository files the way a person would: a new image tag,
 * a lock or an unlock changes only those values, and everything around them
 * (comments, quoting, order, other documents) stays as written. Image
 * automation and the card actions both write through these.
 */
export type { ImageEdit, RewriteResult } from './types';
export { rewriteImageTags } from './rewriteImageTags';
export { rewriteAnnotations } from './rewriteAnnotations';
export type { AnnotationChange, AnnotationRewrite } from './rewriteAnnotations';
export { isLockedBy, lockChange, unlockChange } from './lockAnnotations';
export { valueNodeAt } from './valueNodeAt';
export { decodeUtf8File } from './utf8File';
export { scalarSource } from './scalarSource';
export { applySplices } from './textSplice';
export type { TextSplice } from './textSplice';
