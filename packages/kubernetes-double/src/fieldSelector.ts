import { badRequest } from './apiStatus';
import { KubeObject, nameOf, namespaceOf } from './kubeObject';
import { ResourceType } from './resourceTypes';

export type FieldSelector = (object: KubeObject) => boolean;

/**
 * The `fieldSelector` query parameter, limited to the fields every kind
 * supports (`metadata.name`, `metadata.namespace`) plus a Secret's `type`.
 * Other fields are refused the way the API server refuses them.
 */
export function parseFieldSelector(
  selector: string | null | undefined,
  type: ResourceType,
): FieldSelector {
  const checks = (selector ?? '')
    .split(',')
    .map(part => part.trim())
    .filter(part => part.length > 0)
    .map(part => {
      const match = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!match)
        throw badRequest(
          `invalid selector: '${part}'; can't understand '${part}'`,
        );
      const [, field, operator, value] = match;
      const read = fieldReader(field, type);
      return (object: KubeObject) =>
        (read(object) === value) === (operator !== '!=');
    });
  return object => checks.every(check => check(object));
}

function fieldReader(
  field: string,
  type: ResourceType,
): (object: KubeObject) => string {
  if (field === 'metadata.name') return object => nameOf(object) ?? '';
  if (field === 'metadata.namespace')
    return object => namespaceOf(object) ?? '';
  if (field === 'type' && type.kind === 'Secret' && type.group === '') {
    return object => (typeof object.type === 'string' ? object.type : '');
  }
  throw badRequest(`field label not supported: ${field}`);
}
