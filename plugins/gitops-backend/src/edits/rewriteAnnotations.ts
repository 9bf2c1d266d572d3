import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from '@backstage/errors';
import {
  Document,
  Pair,
  Scalar,
  YAMLMap,
  isMap,
  isScalar,
  parseAllDocuments,
} from 'yaml';
import { scalarSource } from './scalarSource';
import { TextSplice, applySplices } from './textSplice';
import { KUBERNETES_YAML_OPTIONS } from '../manifests';

/** Annotations to write (value as a string) and annotations to drop. */
export type AnnotationChange = {
  set?: Record<string, string>;
  remove?: string[];
};

export type AnnotationRewrite = { content: string; changed: boolean };

type Edit = { set: Map<string, string>; remove: Set<string> };

const PLAIN_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function keyText(key: string): string {
  return PLAIN_KEY.test(key) ? key : JSON.stringify(key);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the line `offset` is on (itself when it already starts a line). */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === 'string'
    ? pair.key.value
    : undefined;
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ?? undefined;
}

/** Where a pair's text ends: after its value, or after its key when it has none. */
function pairEnd(pair: Pair): number {
  return (rangeOf(pair.value) ?? rangeOf(pair.key)!)[1];
}

function documentAt(
  path: string,
  content: string,
  index: number,
): Document.Parsed {
  const documents = parseAllDocuments(content, KUBERNETES_YAML_OPTIONS);
  const document = Array.isArray(documents) ? documents[index] : undefined;
  if (!document) {
    throw new ConflictError(
      `${path} has no YAML document ${index}; nothing was changed`,
    );
  }
  if (document.errors.length > 0) {
    throw new ConflictError(
      `${path} document ${index} has YAML errors (${document.errors[0].message
        .split('\n')[0]
        .trim()}); nothing was changed`,
    );
  }
  return document;
}

class AnnotationEditor {
  private readonly newline: string;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly document: Document.Parsed,
  ) {
    this.newline = text.includes('\r\n') ? '\r\n' : '\n';
  }

  splices(edit: Edit): TextSplice[] {
    const metadata = this.document.get('metadata', true);
    if (!isMap(metadata) || metadata.flow) {
      throw this.problem('metadata is not written as a block mapping');
    }
    const pair = metadata.items.find(p => keyOf(p) === 'annotations');
    if (!pair) return this.addBlock(metadata, edit);
    const value = pair.value;
    if (isMap(value)) {
      return value.flow
        ? this.rewriteFlow(value, edit)
        : this.editBlock(pair, value, edit);
    }
    if (isScalar(value) && value.value === null)
      return this.fillEmpty(pair, edit);
    throw this.problem('metadata.annotations is not a mapping');
  }

  private problem(message: string): ConflictError {
    return new ConflictError(`${this.path}: ${message}; nothing was changed`);
  }

  private valueText(node: Scalar, value: string): string {
    const text = scalarSource(node, value);
    if (text === undefined) {
      throw this.problem(
        'an annotation to change is written as a block scalar',
      );
    }
    return text;
  }

  private lines(indent: number, entries: Array<[string, string]>): string {
    const pad = ' '.repeat(indent);
    return entries
      .map(
        ([key, value]) =>
          `${pad}${keyText(key)}: ${JSON.stringify(value)}${this.newline}`,
      )
      .join('');
  }

  /** Inserts lines after the line `offset` is on, minding a file without a final newline. */
  private insertAfterLine(offset: number, lines: string): TextSplice {
    const at = lineEnd(this.text, offset);
    if (at === this.text.length && !this.text.endsWith('\n')) {
      return {
        start: at,
        end: at,
        text: this.newline + lines.slice(0, -this.newline.length),
      };
    }
    return { start: at, end: at, text: lines };
  }

  /** Indentation one level deeper than `column`, by the step the document uses. */
  private nested(column: number): number {
    const root = this.document.contents;
    const rootColumn =
      isMap(root) && root.range ? columnOf(this.text, root.range[0]) : 0;
    const metadata = this.document.get('metadata', true) as YAMLMap;
    const step = metadata.range
      ? columnOf(this.text, metadata.range[0]) - rootColumn
      : 2;
    return column + (step > 0 ? step : 2);
  }

  private addBlock(metadata: YAMLMap, edit: Edit): TextSplice[] {
    if (edit.set.size === 0) return [];
    const last = metadata.items[metadata.items.length - 1];
    if (!last || !metadata.range) throw this.problem('metadata is empty');
    const column = columnOf(this.text, metadata.range[0]);
    const block = `${' '.repeat(column)}annotations:${this.newline}${this.lines(
      this.nested(column),
      [...edit.set],
    )}`;
    return [this.insertAfterLine(pairEnd(last), block)];
  }

  /** `annotations:` with nothing after it: its line is written anew with the entries below. */
  private fillEmpty(pair: Pair, edit: Edit): TextSplice[] {
    if (edit.set.size === 0) return [];
    const keyStart = rangeOf(pair.key)![0];
    const column = columnOf(this.text, keyStart);
    const start = lineStart(this.text, keyStart);
    const end = lineEnd(this.text, pairEnd(pair));
    const block = `${' '.repeat(column)}annotations:${this.newline}${this.lines(
      this.nested(column),
      [...edit.set],
    )}`;
    return [{ start, end, text: block }];
  }

  private editBlock(annotations: Pair, map: YAMLMap, edit: Edit): TextSplice[] {
    const splices: TextSplice[] = [];
    const kept = map.items.filter(p => !edit.remove.has(keyOf(p) ?? ''));
    const added = [...edit.set].filter(
      ([key]) => !map.items.some(p => keyOf(p) === key),
    );
    if (kept.length === 0 && added.length === 0) {
      // Every annotation goes: so does the key, rather than leave it null.
      const start = lineStart(this.text, rangeOf(annotations.key)![0]);
      return [
        {
          start,
          end: lineEnd(this.text, pairEnd(map.items[map.items.length - 1])),
          text: '',
        },
      ];
    }
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (key === undefined) continue;
      if (edit.remove.has(key)) {
        const keyStart = rangeOf(pair.key)![0];
        const start = lineStart(this.text, keyStart);
        if (this.text.slice(start, keyStart).trim() !== '') {
          throw this.problem(`annotation ${key} does not start its own line`);
        }
        splices.push({
          start,
          end: lineEnd(this.text, pairEnd(pair)),
          text: '',
        });
      } else if (edit.set.has(key)) {
        splices.push(...this.setValue(pair, edit.set.get(key)!));
      }
    }
    if (added.length > 0) {
      const column = columnOf(this.text, map.range![0]);
      const last = map.items[map.items.length - 1];
      splices.push(
        this.insertAfterLine(pairEnd(last), this.lines(column, added)),
      );
    }
    return splices;
  }

  private setValue(pair: Pair, value: string): TextSplice[] {
    const node = pair.value;
    if (isScalar(node) && node.range && node.value !== null) {
      if (node.value === value) return [];
      const [start, end] = node.range;
      return [{ start, end, text: this.valueText(node, value) }];
    }
    if (node === null || (isScalar(node) && node.value === null)) {
      // `key:` with no value: the value goes right after the colon.
      const keyEnd = rangeOf(pair.key)![1];
      const colon = this.text.indexOf(':', keyEnd);
      const at = isScalar(node) && node.range ? node.range[0] : colon + 1;
      const end = isScalar(node) && node.range ? node.range[1] : at;
      const text = `${at === colon + 1 ? ' ' : ''}${JSON.stringify(value)}`;
      return [{ start: at, end, text }];
    }
    throw this.problem(`annotation ${keyOf(pair)} is not a plain value`);
  }

  /** `{a: b}` is written again on one line, keeping the text of the entries that stay. */
  private rewriteFlow(map: YAMLMap, edit: Edit): TextSplice[] {
    const entries: string[] = [];
    let changed = false;
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (key !== undefined && edit.remove.has(key)) {
        changed = true;
        continue;
      }
      const keyStart = rangeOf(pair.key)![0];
      if (key !== undefined && edit.set.has(key)) {
        const value = edit.set.get(key)!;
        const node = pair.value;
        if (isScalar(node) && node.value === value) {
          entries.push(this.text.slice(keyStart, pairEnd(pair)));
        } else {
          entries.push(
            `${this.text.slice(
              keyStart,
              rangeOf(pair.key)![1],
            )}: ${JSON.stringify(value)}`,
          );
          changed = true;
        }
      } else {
        entries.push(this.text.slice(keyStart, pairEnd(pair)));
      }
    }
    for (const [key, value] of edit.set) {
      if (!map.items.some(p => keyOf(p) === key)) {
        entries.push(`${keyText(key)}: ${JSON.stringify(value)}`);
        changed = true;
      }
    }
    if (!changed) return [];
    const [start, end] = map.range!;
    return [{ start, end, text: `{${entries.join(', ')}}` }];
  }
}

function annotationsOf(value: unknown): Record<string, unknown> {
  const metadata = (value as { metadata?: { annotations?: unknown } } | null)
    ?.metadata;
  const annotations = metadata?.annotations;
  return annotations && typeof annotations === 'object'
    ? (annotations as Record<string, unknown>)
    : {};
}

function withoutAnnotations(value: unknown): unknown {
  const copy = structuredClone(value) as { metadata?: Record<string, unknown> };
  if (copy?.metadata) delete copy.metadata.annotations;
  return copy;
}

/**
 * Sets and removes `metadata.annotations` entries of one YAML document
 * (0-based, as the manifests parser counts) by splicing the source text:
 * everything else in the file stays byte for byte, comments and other
 * documents included. A new entry goes below the last one, indented like
 * it; a missing `annotations:` block is added at the end of `metadata`;
 * removing the last entry removes the key. Flow mappings (`{a: b}`) are
 * written again on one line.
 *
 * The result is parsed back and must differ from the input in those
 * annotations only; anything else is a `ConflictError`, never a guess.
 */
export function rewriteAnnotations(
  path: string,
  content: string,
  documentIndex: number,
  change: AnnotationChange,
): AnnotationRewrite {
  const edit: Edit = {
    set: new Map(Object.entries(change.set ?? {})),
    remove: new Set(change.remove ?? []),
  };
  for (const key of edit.set.keys()) {
    if (edit.remove.has(key)) {
      throw new ConflictError(
        `annotation ${key} cannot be both set and removed`,
      );
    }
  }
  const document = documentAt(path, content, documentIndex);
  const splices = new AnnotationEditor(path, content, document).splices(edit);
  if (splices.length === 0) return { content, changed: false };
  const rewritten = applySplices(
    content,
    splices,
    () =>
      new ConflictError(
        `${path}: annotation edits overlap; nothing was changed`,
      ),
  );

  const before = document.toJS();
  const after = documentAt(path, rewritten, documentIndex).toJS();
  const expected: Record<string, unknown> = { ...annotationsOf(before) };
  for (const key of edit.remove) delete expected[key];
  for (const [key, value] of edit.set) expected[key] = value;
  if (
    !isDeepStrictEqual(annotationsOf(after), expected) ||
    !isDeepStrictEqual(withoutAnnotations(after), withoutAnnotations(before))
  ) {
    throw new ConflictError(
      `${path}: the annotations of document ${documentIndex} are written in a way this edit cannot follow; nothing was changed`,
    );
  }
  return { content: rewritten, changed: rewritten !== content };
}
