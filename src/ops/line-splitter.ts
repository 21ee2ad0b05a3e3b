// Cuts a byte stream into text lines for the line-oriented output of tools run in the
// toolkit (strace, logs). Lines are cut as bytes and decoded whole, so a character split
// across chunks survives and bytes that are not UTF-8 are kept (core/target-text.ts).
import { decodeTargetBytes } from '../core/target-text.js';

export class LineSplitter {
  /** The start of a line whose newline has not come yet. */
  private pending: Buffer[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(0x0a);
    while (newline >= 0) {
      const piece = chunk.subarray(start, newline);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.emit(line);
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    // A copy, so a remainder does not pin the whole chunk it came from.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    if (rest.length) this.emit(rest);
  }

  private emit(line: Buffer): void {
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    this.onLine(decodeTargetBytes(line.subarray(0, end)));
  }
}
