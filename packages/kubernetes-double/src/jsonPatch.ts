import { ApiError, badRequest } from './apiStatus';
import { cloneJson, isJsonObject, JsonValue, jsonEqual } from './jsonValue';

type Operation = { op: string; path: string; value?: JsonValue; from?: string };

/**
 * JSON patch (RFC 6902): add, remove, replace, move, copy and test. A
 * failing operation rejects the whole patch, as the API server does (422).
 */
export function applyJsonPatch(
  document: JsonValue,
  patch: JsonValue,
): JsonValue {
  if (!Array.isArray(patch))
    throw badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  let result = cloneJson(document);
  for (const raw of patch) {
    const operation = parseOperation(raw);
    result = applyOperation(result, operation);
  }
  return result;
}

function parseOperation(raw: JsonValue): Operation {
  if (
    !isJsonObject(raw) ||
    typeof raw.op !== 'string' ||
    typeof raw.path !== 'string'
  ) {
    throw badRequest('the JSON patch operation is missing "op" or "path"');
  }
  return {
    op: raw.op,
    path: raw.path,
    ...(raw.value !== undefined ? { value: raw.value } : {}),
    ...(typeof raw.from === 'string' ? { from: raw.from } : {}),
  };
}

function applyOperation(document: JsonValue, operation: Operation): JsonValue {
  switch (operation.op) {
    case 'add':
      return add(document, pointer(operation.path), requireValue(operation));
    case 'remove':
      return remove(document, pointer(operation.path));
    case 'replace':
      return add(
        remove(document, pointer(operation.path)),
        pointer(operation.path),
        requireValue(operation),
      );
    case 'move': {
      const from = pointer(requireFrom(operation));
      const value = read(document, from);
      return add(remove(document, from), pointer(operation.path), value);
    }
    case 'copy':
      return add(
        document,
        pointer(operation.path),
        cloneJson(read(document, pointer(requireFrom(operation)))),
      );
    case 'test':
      if (
        !jsonEqual(
          read(document, pointer(operation.path)),
          requireValue(operation),
        )
      ) {
        throw failed(`testing value ${operation.path} failed`);
      }
      return document;
    default:
      throw badRequest(`Unexpected kind: ${operation.op}`);
  }
}

function requireValue(operation: Operation): JsonValue {
  if (operation.value === undefined)
    throw failed(
      `missing value for operation "${operation.op}" at ${operation.path}`,
    );
  return operation.value;
}

function requireFrom(operation: Operation): string {
  if (operation.from === undefined)
    throw failed(`missing from for operation "${operation.op}"`);
  return operation.from;
}

function failed(message: string): ApiError {
  return new ApiError(
    422,
    `the server rejected our request due to an error in our request: ${message}`,
  );
}

/** RFC 6901 pointer to its unescaped tokens. */
function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw failed(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map(token => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(document: JsonValue, tokens: string[]): JsonValue {
  let node: JsonValue = document;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= node.length)
        throw failed(`index ${token} out of range`);
      node = node[index];
    } else if (isJsonObject(node) && token in node) {
      node = node[token];
    } else {
      throw failed(`path does not exist: /${tokens.join('/')}`);
    }
  }
  return node;
}

function add(
  document: JsonValue,
  tokens: string[],
  value: JsonValue,
): JsonValue {
  if (tokens.length === 0) return cloneJson(value);
  const parent = read(document, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw failed(`index ${last} out of range`);
    parent.splice(index, 0, cloneJson(value));
  } else if (isJsonObject(parent)) {
    parent[last] = cloneJson(value);
  } else {
    throw failed(`cannot add to a non-container at /${tokens.join('/')}`);
  }
  return document;
}

function remove(document: JsonValue, tokens: string[]): JsonValue {
  if (tokens.length === 0) throw failed('cannot remove the whole document');
  const parent = read(document, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length)
      throw failed(`index ${last} out of range`);
    parent.splice(index, 1);
  } else if (isJsonObject(parent) && last in parent) {
    delete parent[last];
  } else {
    throw failed(`unable to remove nonexistent key: ${last}`);
  }
  return document;
}
