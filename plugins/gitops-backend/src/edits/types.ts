import { ImageReference } from '../manifests';

/** Write `newTag` for one image of the HelmRelease in document `document` (0-based, as the manifests parser counts). */
export type ImageEdit = {
  document: number;
  image: ImageReference;
  newTag: string;
};

/** `changed` is false when every edit already matched the file. */
export type RewriteResult = { content: string; changed: boolean };
