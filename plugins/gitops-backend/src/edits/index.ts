/**
 * Writing new image tags into HelmRelease files the way a person would:
 * only the tag changes, everything around it stays as written.
 */
export type { ImageEdit, RewriteResult } from './types';
export { rewriteImageTags } from './rewriteImageTags';
export { decodeUtf8File } from './utf8File';
