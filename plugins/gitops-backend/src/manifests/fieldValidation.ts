/**
 * Typed reads of a decoded manifest. A field of the wrong type fails the
 * whole document, as the Kubernetes API server would refuse it; the error
 * carries the field's path so that the caller can point at its line.
 */

export type FieldPath = readonly (string | number)[];

export class InvalidFieldError extends Error {
  constructor(readonly fieldPath: FieldPath, message: string) {
    super(message);
    this.name = 'InvalidFieldError';
  }
}

/** `spec.chart.path`, `metadata.annotations["fluxcd.io/automated"]`, `items[0]`. */
export function describeFieldPath(fieldPath: FieldPath): string {
  let text = '';
  for (const segment of fieldPath) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) {
      text += text ? `.${segment}` : segment;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text || '(document)';
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * What to tell a person who wrote `true`, `1.6` or `no` where a string
 * belongs. The decoded value may differ from the text (`no` is false), so
 * the hint does not repeat it.
 */
function quoteHint(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean'
    ? '; quote the value to make it a string'
    : '';
}

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function requireMapping(
  value: unknown,
  fieldPath: FieldPath,
): Record<string, unknown> {
  if (isAbsent(value)) {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} is required`,
    );
  }
  return optionalMapping(value, fieldPath)!;
}

export function optionalMapping(
  value: unknown,
  fieldPath: FieldPath,
): Record<string, unknown> | undefined {
  if (isAbsent(value)) return undefined;
  if (!isMapping(value)) {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} must be a mapping, not ${describeValue(
        value,
      )}`,
    );
  }
  return value;
}

/** A required, non-empty string. */
export function requireString(value: unknown, fieldPath: FieldPath): string {
  const text = optionalString(value, fieldPath);
  if (text === undefined || text === '') {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} is required`,
    );
  }
  return text;
}

export function optionalString(
  value: unknown,
  fieldPath: FieldPath,
): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} must be a string, not ${describeValue(
        value,
      )}${quoteHint(value)}`,
    );
  }
  return value;
}

export function optionalBoolean(
  value: unknown,
  fieldPath: FieldPath,
): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(
        fieldPath,
      )} must be true or false, not ${describeValue(value)}`,
    );
  }
  return value;
}

export function optionalList(
  value: unknown,
  fieldPath: FieldPath,
): unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value)) {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} must be a list, not ${describeValue(
        value,
      )}`,
    );
  }
  return value;
}

/**
 * Labels and annotations: every value must be a string. Kubernetes refuses
 * `fluxcd.io/automated: true` unquoted, so we do too rather than guess.
 */
export function stringMap(
  value: unknown,
  fieldPath: FieldPath,
): Record<string, string> {
  const mapping = optionalMapping(value, fieldPath) ?? {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(mapping)) {
    if (typeof entry !== 'string') {
      const entryPath = [...fieldPath, key];
      throw new InvalidFieldError(
        entryPath,
        `${describeFieldPath(entryPath)} must be a string, not ${describeValue(
          entry,
        )}${quoteHint(entry)}`,
      );
    }
    result[key] = entry;
  }
  return result;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** metadata.name of most objects: lower-case DNS labels joined by dots, at most 253 characters. */
export function requireDnsSubdomain(
  value: unknown,
  fieldPath: FieldPath,
): string {
  const text = requireString(value, fieldPath);
  if (text.length > 253 || !text.split('.').every(p => DNS_LABEL.test(p))) {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} ${JSON.stringify(
        text,
      )} is not a valid Kubernetes name (lower-case letters, digits, '-' and '.', at most 253 characters)`,
    );
  }
  return text;
}

/** Namespace names: one lower-case DNS label, at most 63 characters. */
export function requireDnsLabel(value: unknown, fieldPath: FieldPath): string {
  const text = requireString(value, fieldPath);
  if (text.length > 63 || !DNS_LABEL.test(text)) {
    throw new InvalidFieldError(
      fieldPath,
      `${describeFieldPath(fieldPath)} ${JSON.stringify(
        text,
      )} is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)`,
    );
  }
  return text;
}
