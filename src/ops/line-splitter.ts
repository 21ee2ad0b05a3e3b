// Cuts a byte stream into text lines (UTF-8 safe across chunk boundaries), for the
// line-oriented output of tools run in the toolkit (strace).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.buffered += this.decoder.write(chunk);
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.onLine(line);
      newline = this.buffered.indexOf('\n');
    }
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    this.buffered += this.decoder.end();
    const rest = this.buffered;
    this.buffered = '';
    if (rest !== '') this.onLine(rest);
  }
}
