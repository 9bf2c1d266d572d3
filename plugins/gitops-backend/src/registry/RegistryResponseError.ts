import { CustomErrorBase } from '@backstage/errors';

/**
 * A registry answered, but not as the distribution API says it should:
 * malformed JSON, a manifest without config, a digest that does not match.
 */
export class RegistryResponseError extends CustomErrorBase {
  name = 'RegistryResponseError' as const;
}
