// A unified diff of two texts, as `diff -u` prints it: Myers' shortest edit script over
// lines, hunks with three lines of context. Pure.

type Edit = { op: ' ' | '-' | '+'; line: string };

/** The edit script from a to b (Myers, O((N+M)·D)), as kept, removed and added lines in order. */
export function diffLines(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  let v: Int32Array = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
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
  trace.push(v.slice());
  // Walk back through the saved frontiers to recover the path.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d > 0; d--) {
    v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: ' ', line: a[x]! });
    }
    if (x === prevX) {
      y--;
      edits.push({ op: '+', line: b[y]! });
    } else {
      x--;
      edits.push({ op: '-', line: a[x]! });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    edits.push({ op: ' ', line: a[x]! });
  }
  return edits.reverse();
}

/** A last line without a newline differs from the same line with one, as in diff. */
const NO_NEWLINE = '\u0000no-newline';

function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (text.endsWith('\n')) parts.pop();
  else parts[parts.length - 1] += NO_NEWLINE;
  return parts;
}

/** `diff -u` output (empty when the texts are the same). */
export function unifiedDiff(oldText: string, newText: string, labels: { old: string; new: string }, context = 3): string {
  const edits = diffLines(lines(oldText), lines(newText));
  const changed = edits.map((e, i) => (e.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${labels.old}`, `+++ ${labels.new}`];
  // Where each edit stands in the old and new text, to number the hunks.
  const positions: Array<{ ai: number; bi: number }> = [];
  let ai = 0;
  let bi = 0;
  for (const edit of edits) {
    positions.push({ ai, bi });
    if (edit.op !== '+') ai++;
    if (edit.op !== '-') bi++;
  }
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context) end++;
    const from = Math.max(0, changed[start]! - context);
    const to = Math.min(edits.length - 1, changed[end]! + context);
    const hunk = edits.slice(from, to + 1);
    const oldCount = hunk.filter((e) => e.op !== '+').length;
    const newCount = hunk.filter((e) => e.op !== '-').length;
    const oldStart = positions[from]!.ai + (oldCount === 0 ? 0 : 1);
    const newStart = positions[from]!.bi + (newCount === 0 ? 0 : 1);
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const edit of hunk) {
      if (edit.line.endsWith(NO_NEWLINE)) out.push(`${edit.op}${edit.line.slice(0, -NO_NEWLINE.length)}`, '\\ No newline at end of file');
      else out.push(`${edit.op}${edit.line}`);
    }
    start = end + 1;
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}

/** Whether a file's first bytes look binary (a NUL), as diff and git decide. */
export function looksBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}
