/**
 * What one ImageUpdateAutomation commit changed, as its message template
 * sees it.
 */
export type AutomationChanges = {
  /** `namespace/name` of the ImageUpdateAutomation. */
  automationObject: string;
  /** Every image reference written, `ghcr.io/org/app:1.2.3`, sorted. */
  images: string[];
  /** Files changed, sorted. */
  files: string[];
  /** One per value written: the setter is the marker's policy, `namespace:name`. */
  changes: Array<{ oldValue: string; newValue: string; setter: string }>;
};

type Node =
  | { type: 'text'; text: string }
  | { type: 'value'; value: (scope: Scope) => string | undefined }
  | {
      type: 'range';
      items: (changes: AutomationChanges) => Scope[];
      body: Node[];
    };

/** What `.` and `$name` mean inside a range; the top level has neither. */
type Scope = {
  dot?: string | Record<string, string>;
  variables: Record<string, string>;
};

/** Longer templates are not commit messages anyone writes; rendering stays cheap. */
const MAX_TEMPLATE_LENGTH = 4096;
const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

/** Go template's `{{- ` and ` -}}` trim the white space beside them. */
function splitActions(
  template: string,
): Array<{ text: string } | { action: string }> {
  const parts: Array<{ text: string } | { action: string }> = [];
  let last = 0;
  let trimNext = false;
  for (const match of template.matchAll(ACTION)) {
    let text = template.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    parts.push({ text }, { action: match[2] });
    trimNext = match[3] === '-';
    last = match.index! + match[0].length;
  }
  let rest = template.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  parts.push({ text: rest });
  return parts;
}

/** The collections a `range` may walk, and what each item is. */
function rangeOver(
  expression: string,
): ((changes: AutomationChanges, variables: string[]) => Scope[]) | undefined {
  const rangeVariables = (
    variables: string[],
    index: number,
    item: string | Record<string, string>,
  ) => {
    const text = typeof item === 'string' ? item : '';
    if (variables.length === 2)
      return { [variables[0]]: String(index), [variables[1]]: text };
    if (variables.length === 1) return { [variables[0]]: text };
    return {};
  };
  const fromList =
    (list: (c: AutomationChanges) => Array<string | Record<string, string>>) =>
    (changes: AutomationChanges, variables: string[]) =>
      list(changes).map((item, index) => ({
        dot: item,
        variables: rangeVariables(variables, index, item),
      }));
  // Files are a map from name to objects in Flux; a key variable is the name.
  const fromMapKeys =
    (list: (c: AutomationChanges) => string[]) =>
    (changes: AutomationChanges, variables: string[]) =>
      list(changes).map(key => ({
        dot: key,
        variables:
          variables.length >= 1
            ? {
                [variables[0]]: key,
                ...(variables[1] ? { [variables[1]]: '' } : {}),
              }
            : {},
      }));
  switch (expression) {
    case '.Updated.Images':
      return fromList(c => c.images);
    case '.Changed.Changes':
      return fromList(c =>
        c.changes.map(ch => ({
          OldValue: ch.oldValue,
          NewValue: ch.newValue,
          Setter: ch.setter,
        })),
      );
    case '.Updated.Files':
    case '.Changed.FileChanges':
      return fromMapKeys(c => c.files);
    default:
      return undefined;
  }
}

const VARIABLE = /^\$[A-Za-z_][A-Za-z0-9_]*$/;

function valueOf(
  expression: string,
  changes: AutomationChanges,
): Node | undefined {
  if (expression === '.AutomationObject') {
    return { type: 'text', text: changes.automationObject };
  }
  if (expression === '.') {
    return {
      type: 'value',
      value: scope => (typeof scope.dot === 'string' ? scope.dot : undefined),
    };
  }
  const field = /^\.(OldValue|NewValue|Setter)$/.exec(expression);
  if (field) {
    return {
      type: 'value',
      value: scope =>
        typeof scope.dot === 'object' ? scope.dot[field[1]] : undefined,
    };
  }
  if (VARIABLE.test(expression)) {
    return { type: 'value', value: scope => scope.variables[expression] };
  }
  return undefined;
}

/**
 * Parses the template into nodes, or undefined when it uses anything
 * beyond plain text, `{{ .AutomationObject }}`, comments and one level of
 * `range` over the updated images, files or changes.
 */
function parse(
  template: string,
  changes: AutomationChanges,
): Node[] | undefined {
  const root: Node[] = [];
  let body = root;
  let open:
    | { variables: string[]; items: ReturnType<typeof rangeOver> }
    | undefined;
  let rangeBody: Node[] = [];
  for (const part of splitActions(template)) {
    if ('text' in part) {
      if (part.text) body.push({ type: 'text', text: part.text });
      continue;
    }
    const action = part.action;
    if (/^\/\*[\s\S]*\*\/$/.test(action)) continue;
    const range =
      /^range\s+(?:(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*)?(\.[\w.]+)$/.exec(
        action,
      );
    if (range) {
      if (open) return undefined;
      const items = rangeOver(range[3]);
      if (!items) return undefined;
      open = {
        variables: [range[1], range[2]].filter((v): v is string => Boolean(v)),
        items,
      };
      rangeBody = [];
      body = rangeBody;
      continue;
    }
    if (action === 'end') {
      if (!open) return undefined;
      const { variables, items } = open;
      root.push({
        type: 'range',
        items: c => items!(c, variables),
        body: rangeBody,
      });
      open = undefined;
      body = root;
      continue;
    }
    const node = valueOf(action, changes);
    if (!node || (node.type === 'value' && !open)) return undefined;
    body.push(node);
  }
  return open ? undefined : root;
}

function render(
  nodes: Node[],
  changes: AutomationChanges,
  scope: Scope,
): string | undefined {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      text += node.text;
    } else if (node.type === 'value') {
      const value = node.value(scope);
      if (value === undefined) return undefined;
      text += value;
    } else {
      for (const item of node.items(changes)) {
        const rendered = render(node.body, changes, item);
        if (rendered === undefined) return undefined;
        text += rendered;
      }
    }
  }
  return text;
}

/**
 * An ImageUpdateAutomation's `git.commit.messageTemplate`, rendered as Flux
 * would for what it supports without evaluating anything: plain text,
 * `{{ .AutomationObject }}`, and `range` over `.Updated.Images`,
 * `.Updated.Files`, `.Changed.FileChanges` (the file names) and
 * `.Changed.Changes` (`.OldValue`, `.NewValue`, `.Setter`). Undefined for
 * anything else (functions, pipelines, conditions, `.Values`): the caller
 * falls back to Flux v1's `Auto-release` message and says so.
 */
export function renderFluxCommitMessage(
  template: string,
  changes: AutomationChanges,
): string | undefined {
  if (template.length > MAX_TEMPLATE_LENGTH) return undefined;
  const nodes = parse(template, changes);
  if (!nodes) return undefined;
  const text = render(nodes, changes, { variables: {} });
  return text?.trim() ? text : undefined;
}
