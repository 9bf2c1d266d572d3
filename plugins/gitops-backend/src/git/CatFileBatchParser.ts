/** What `git cat-file --batch` answered for one requested object. */
export type CatFileObject =
  | { found: false }
  | { found: true; type: string; size: number; content?: Buffer };

const FOUND_HEADER = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/;

type State =
  | { mode: 'header'; parts: Buffer[] }
  | {
      mode: 'content';
      remaining: number;
      keep: boolean;
      parts: Buffer[];
      type: string;
      size: number;
    }
  | { mode: 'separator' };

/**
 * Parses `git cat-file --batch` output as it streams in. Each answer is
 * `<sha> <type> <size>\n<content>\n` or `<name> missing\n`. Content that
 * `shouldKeep` declines is skipped without being held in memory, so one
 * oversized file cannot balloon the backend.
 */
export class CatFileBatchParser {
  private state: State = { mode: 'header', parts: [] };
  private readonly answers: CatFileObject[] = [];

  constructor(
    private readonly shouldKeep: (object: {
      index: number;
      type: string;
      size: number;
    }) => boolean,
  ) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.state;
      if (state.mode === 'header') {
        const newline = chunk.indexOf(0x0a, offset);
        if (newline === -1) {
          state.parts.push(chunk.subarray(offset));
          return;
        }
        state.parts.push(chunk.subarray(offset, newline));
        offset = newline + 1;
        this.onHeader(Buffer.concat(state.parts).toString('utf8'));
      } else if (state.mode === 'content') {
        const take = Math.min(state.remaining, chunk.length - offset);
        if (state.keep) state.parts.push(chunk.subarray(offset, offset + take));
        state.remaining -= take;
        offset += take;
        if (state.remaining === 0) this.onContentEnd(state);
      } else {
        if (chunk[offset] !== 0x0a) {
          throw new Error(
            'Unexpected git cat-file output: missing separator after content',
          );
        }
        offset += 1;
        this.state = { mode: 'header', parts: [] };
      }
    }
  }

  /** The answers in request order; throws when the output stopped mid-answer. */
  finish(expected: number): CatFileObject[] {
    const idle = this.state.mode === 'header' && this.state.parts.length === 0;
    if (!idle || this.answers.length !== expected) {
      throw new Error(
        `Truncated git cat-file output: ${this.answers.length} of ${expected} objects`,
      );
    }
    return this.answers;
  }

  private onHeader(line: string): void {
    if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
      this.answers.push({ found: false });
      this.state = { mode: 'header', parts: [] };
      return;
    }
    const match = FOUND_HEADER.exec(line);
    if (!match) {
      throw new Error(
        `Unexpected git cat-file header: ${JSON.stringify(line.slice(0, 200))}`,
      );
    }
    const type = match[2];
    const size = Number(match[3]);
    const keep = this.shouldKeep({ index: this.answers.length, type, size });
    const state = {
      mode: 'content' as const,
      remaining: size,
      keep,
      parts: [],
      type,
      size,
    };
    if (size === 0) {
      this.onContentEnd(state);
    } else {
      this.state = state;
    }
  }

  private onContentEnd(state: Extract<State, { mode: 'content' }>): void {
    this.answers.push({
      found: true,
      type: state.type,
      size: state.size,
      ...(state.keep ? { content: Buffer.concat(state.parts) } : {}),
    });
    this.state = { mode: 'separator' };
  }
}
