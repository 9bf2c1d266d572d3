/**
 * A fingerprint of everything the release and environment reads answer
 * from: it changes whenever any of it may have, so a reader that saw a
 * version may be told "not modified" without a full read.
 */
export interface ReadVersionStore {
  currentVersion(): Promise<string>;
}
