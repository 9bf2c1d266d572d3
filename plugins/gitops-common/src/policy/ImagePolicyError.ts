/**
 * A policy that cannot be understood: an invalid semver range or regular
 * expression. The common package does not depend on `@backstage/errors`, so
 * this carries the name Backstage's error handler maps to a 400 response,
 * as `InputError` does.
 *
 * @public
 */
export class ImagePolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
