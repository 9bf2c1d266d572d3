type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their terminators, so that a missing final newline is a difference too. */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

/**
 * Myers' O(ND) shortest edit script. Config files are small and a change
 * touches a few lines, so D stays small and the traces do too.
 */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
      let x = down ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }

  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const previous = trace[d];
    const k = x - y;
    const down =
      k === -d ||
      (k !== d && previous[offset + k - 1] < previous[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = previous[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (down) ops.push({ kind: '+', line: b[y - 1] });
      else ops.push({ kind: '-', line: a[x - 1] });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function printLine(op: Op): string {
  if (op.line.endsWith('\n')) return `${op.kind}${op.line}`;
  return `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}

function range(start: number, count: number): string {
  // diff's convention: an empty range names the line before it.
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * git's default hunk heading: the nearest line above the hunk that starts
 * with a letter, `_` or `$` (for YAML, the top-level key the hunk is in).
 */
function heading(lines: string[], firstLine: number): string {
  for (let i = firstLine - 2; i >= 0; i--) {
    if (/^[A-Za-z_$]/.test(lines[i])) {
      return ` ${lines[i].slice(0, 80).replace(/\s+$/, '')}`;
    }
  }
  return '';
}

/**
 * The change from `before` to `after` as a unified diff of one file
 * (`--- a/<path>`, `+++ b/<path>`, hunks with `context` lines around each
 * change), as `git diff` would show it; empty when nothing changed.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  context = 3,
): string {
  if (before === after) return '';
  const oldLines = splitLines(before);
  const ops = editScript(oldLines, splitLines(after));
  const changes = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));

  // Runs of ops to print: each change with its context, overlapping runs merged.
  const runs: Array<[number, number]> = [];
  for (const index of changes) {
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = runs[runs.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else runs.push([start, end]);
  }

  let out = `--- a/${path}\n+++ b/${path}\n`;
  let oldLine = 1;
  let newLine = 1;
  let cursor = 0;
  for (const [start, end] of runs) {
    for (; cursor < start; cursor++) {
      if (ops[cursor].kind !== '+') oldLine++;
      if (ops[cursor].kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter(op => op.kind !== '+').length;
    const newCount = hunk.filter(op => op.kind !== '-').length;
    out += `@@ -${range(oldLine, oldCount)} +${range(
      newLine,
      newCount,
    )} @@${heading(oldLines, oldLine)}\n`;
    out += hunk.map(printLine).join('');
    oldLine += oldCount;
    newLine += newCount;
    cursor = end;
  }
  return out;
}
