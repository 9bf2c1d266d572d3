import { cloneJson, isJsonObject, JsonObject, JsonValue } from './jsonValue';

/**
 * JSON merge patch (RFC 7386): maps merge, `null` deletes, anything else
 * replaces. Also stands in for strategic merge patch on built-in kinds; the
 * difference (merging lists by key) does not matter to Secrets and ConfigMaps.
 */
export function applyMergePatch(
  target: JsonValue | undefined,
  patch: JsonValue,
): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}
