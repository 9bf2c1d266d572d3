import { Scalar, isScalar, parseDocument } from 'yaml';
import { KUBERNETES_YAML_OPTIONS } from '../manifests';

/**
 * Whether `value` written plain reads back as that same string under the
 * rules Kubernetes uses. `1.10` would read as the number 1.1, `yes` as
 * true, `10:20` as a YAML 1.1 sexagesimal number; such values need quotes.
 */
function readsBackPlain(value: string): boolean {
  if (!value || /[\r\n]/.test(value)) return false;
  const document = parseDocument(value, KUBERNETES_YAML_OPTIONS);
  const node = document.contents;
  return (
    document.errors.length === 0 &&
    isScalar(node) &&
    node.type === Scalar.PLAIN &&
    node.value === value
  );
}

/**
 * The source text for `value` in the style `node` was written in: plain,
 * 'single' or "double" quoted. A plain value that would not read back as a
 * string is double-quoted instead. Block scalars (`|`, `>`) span lines and
 * indentation this does not try to reproduce, so they are refused.
 */
export function scalarSource(node: Scalar, value: string): string | undefined {
  switch (node.type) {
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.PLAIN:
    case undefined:
      return readsBackPlain(value) ? value : JSON.stringify(value);
    default:
      return undefined;
  }
}
