import { Document, LineCounter, isMap, isNode, isScalar, isSeq } from 'yaml';
import { FieldPath } from './fieldValidation';
import { ManifestError, ManifestSource } from './types';

/**
 * One decoded YAML document of a manifest file: its plain value for reading
 * fields, and its syntax tree and text for line numbers, comments and the
 * exact way values are written.
 */
export class ManifestDocument {
  constructor(
    readonly path: string,
    /** 0-based, counting every document the yaml library saw, empty ones too. */
    readonly index: number,
    readonly tree: Document.Parsed,
    readonly text: string,
    readonly value: unknown,
    private readonly lineCounter: LineCounter,
  ) {}

  /** The same document as the content of another file with the same text. */
  at(path: string): ManifestDocument {
    return new ManifestDocument(
      path,
      this.index,
      this.tree,
      this.text,
      this.value,
      this.lineCounter,
    );
  }

  /** The 1-based line of a character offset in the file. */
  lineOf(offset: number): number {
    return Math.max(1, this.lineCounter.linePos(offset).line);
  }

  /** Where the document's content starts: its first key, past any `---` and comments. */
  get line(): number {
    const start = this.tree.contents?.range[0] ?? this.tree.range[0];
    return this.lineOf(start);
  }

  get source(): ManifestSource {
    return { path: this.path, document: this.index, line: this.line };
  }

  /**
   * The line of a field: where its key is written, or for a field that is
   * missing, where its nearest written ancestor's key is (a missing
   * `metadata.name` is reported on the `metadata:` line).
   */
  lineAt(fieldPath: FieldPath): number {
    for (let length = fieldPath.length; length > 0; length--) {
      const segment = fieldPath[length - 1];
      const parent: unknown =
        length === 1
          ? this.tree.contents
          : this.tree.getIn(fieldPath.slice(0, length - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          p =>
            String(isScalar(p.key) ? p.key.value : p.key) === String(segment),
        );
        const node = pair && (isNode(pair.key) ? pair.key : pair.value);
        if (isNode(node) && node.range) return this.lineOf(node.range[0]);
      } else if (isSeq(parent) && typeof segment === 'number') {
        const item = parent.items[segment];
        if (isNode(item) && item.range) return this.lineOf(item.range[0]);
      }
    }
    return this.line;
  }

  error(message: string, fieldPath?: FieldPath): ManifestError {
    return {
      path: this.path,
      line: fieldPath ? this.lineAt(fieldPath) : this.line,
      message,
    };
  }
}
