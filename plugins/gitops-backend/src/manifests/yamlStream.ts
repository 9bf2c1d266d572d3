import {
  Document,
  LineCounter,
  YAMLError,
  isScalar,
  parseAllDocuments,
} from 'yaml';
import { errorMessage } from '../kernel';
import { KUBERNETES_YAML_OPTIONS } from './kubernetesYaml';
import { ManifestDocument } from './manifestDocument';
import { ManifestError, ManifestLimits } from './types';

export type YamlStream = {
  documents: ManifestDocument[];
  errors: ManifestError[];
};

/** The yaml library appends " at line L, column C:" and a code excerpt; we report the line separately. */
function firstSentence(error: YAMLError): string {
  const firstLine = error.message.split('\n')[0];
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

function isEmptyDocument(document: Document.Parsed): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}

// ignoreBOM keeps a byte order mark in the text, as Buffer#toString does.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// U+FFFD as UTF-8, to tell a genuine one from a decoding replacement.
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Decodes strictly: `Buffer#toString` would replace bad bytes with U+FFFD and
 * hand on a file that is not what was committed. On failure, says where the
 * first bad byte is (offset and line), found by lenient decoding.
 */
function decodeUtf8(
  content: Buffer,
): { text: string } | { invalidAt: number; line: number } {
  try {
    return { text: strictUtf8.decode(content) };
  } catch {
    const lenient = content.toString('utf8');
    let offset = 0;
    for (let i = 0; i < lenient.length; i++) {
      const code = lenient.codePointAt(i)!;
      const width = Buffer.byteLength(String.fromCodePoint(code), 'utf8');
      // A genuine U+FFFD in the file is the three bytes EF BF BD.
      if (
        code === 0xfffd &&
        !content.subarray(offset, offset + 3).equals(REPLACEMENT)
      ) {
        return {
          invalidAt: offset,
          line: lenient.slice(0, i).split('\n').length,
        };
      }
      if (code > 0xffff) i++;
      offset += width;
    }
    return { invalidAt: offset, line: lenient.split('\n').length };
  }
}

/**
 * Splits a file into its YAML documents and decodes each on its own, so that
 * one broken document costs only itself. Files over the size or document
 * limits are refused whole: applying half of an oversized file would be
 * worse than applying none of it.
 */
export function readYamlStream(
  path: string,
  content: string | Buffer,
  limits: ManifestLimits,
): YamlStream {
  const size =
    typeof content === 'string'
      ? Buffer.byteLength(content, 'utf8')
      : content.length;
  if (size > limits.maxFileBytes) {
    return {
      documents: [],
      errors: [
        {
          path,
          message: `file is ${size} bytes, over the limit of ${limits.maxFileBytes} bytes; it was not parsed`,
        },
      ],
    };
  }

  const decoded =
    typeof content === 'string' ? { text: content } : decodeUtf8(content);
  if ('invalidAt' in decoded) {
    return {
      documents: [],
      errors: [
        {
          path,
          line: decoded.line,
          message: `file is not valid UTF-8 (first bad byte at offset ${decoded.invalidAt}); it was not parsed`,
        },
      ],
    };
  }
  const { text } = decoded;
  const lineCounter = new LineCounter();
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, {
      ...KUBERNETES_YAML_OPTIONS,
      lineCounter,
    });
  } catch (error) {
    // The library reports problems as document errors; this is a last resort.
    return {
      documents: [],
      errors: [{ path, message: `YAML could not be parsed: ${String(error)}` }],
    };
  }
  if (!Array.isArray(parsed)) parsed = [];

  if (parsed.length > limits.maxDocuments) {
    return {
      documents: [],
      errors: [
        {
          path,
          message: `file has ${parsed.length} YAML documents, over the limit of ${limits.maxDocuments}; it was not parsed`,
        },
      ],
    };
  }

  const documents: ManifestDocument[] = [];
  const errors: ManifestError[] = [];
  parsed.forEach((tree, index) => {
    const lineOf = (offset: number) =>
      Math.max(1, lineCounter.linePos(offset).line);
    const [syntaxError] = tree.errors;
    if (syntaxError) {
      errors.push({
        path,
        line: syntaxError.linePos?.[0].line ?? lineOf(syntaxError.pos[0]),
        message: `YAML syntax error in document ${index}: ${firstSentence(
          syntaxError,
        )}`,
      });
      return;
    }
    if (isEmptyDocument(tree)) return;

    let value: unknown;
    try {
      value = tree.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const start = lineOf(tree.contents?.range[0] ?? tree.range[0]);
      const message =
        error instanceof ReferenceError && /alias/i.test(error.message)
          ? `document ${index} resolves YAML aliases too many times (limit ${limits.maxAliasCount}); nested aliases like these can exhaust memory, so it was not decoded`
          : `document ${index} could not be decoded: ${errorMessage(error)}`;
      errors.push({ path, line: start, message });
      return;
    }
    documents.push(
      new ManifestDocument(path, index, tree, text, value, lineCounter),
    );
  });
  return { documents, errors };
}
