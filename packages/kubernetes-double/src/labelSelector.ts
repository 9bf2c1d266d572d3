import { badRequest } from './apiStatus';

type Requirement =
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesNotExist' };

export type LabelSelector = (labels: Record<string, string>) => boolean;

/**
 * Parses the `labelSelector` query parameter: equality (`a=b`, `a==b`,
 * `a!=b`) and set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`)
 * requirements, comma-separated and all required. Malformed input is a 400,
 * as the API server answers.
 */
export function parseLabelSelector(
  selector: string | null | undefined,
): LabelSelector {
  const requirements = splitRequirements(selector ?? '').map(parseRequirement);
  return labels =>
    requirements.every(requirement => matches(requirement, labels));
}

/** Splits on commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map(part => part.trim()).filter(part => part.length > 0);
}

const KEY = '[A-Za-z0-9][-A-Za-z0-9_./]*';
const VALUE = '[-A-Za-z0-9_.]*';

function parseRequirement(text: string): Requirement {
  let match = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(text);
  if (match) {
    return {
      key: match[1],
      operator: match[2] === '!=' ? 'notEquals' : 'equals',
      value: match[3],
    };
  }
  match = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(text);
  if (match) {
    const values = match[3].split(',').map(value => value.trim());
    if (values.some(value => !new RegExp(`^${VALUE}$`).test(value))) {
      throw unparsable(text);
    }
    return {
      key: match[1],
      operator: match[2] === 'in' ? 'in' : 'notin',
      values,
    };
  }
  match = new RegExp(`^(!?)\\s*(${KEY})$`).exec(text);
  if (match) {
    return { key: match[2], operator: match[1] ? 'doesNotExist' : 'exists' };
  }
  throw unparsable(text);
}

function unparsable(text: string) {
  return badRequest(
    `unable to parse requirement: invalid label selector "${text}"`,
  );
}

function matches(
  requirement: Requirement,
  labels: Record<string, string>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'equals':
      return has && value === requirement.value;
    case 'notEquals':
      return !has || value !== requirement.value;
    case 'in':
      return has && requirement.values.includes(value);
    case 'notin':
      return !has || !requirement.values.includes(value);
    case 'exists':
      return has;
    case 'doesNotExist':
      return !has;
    default:
      return false;
  }
}
