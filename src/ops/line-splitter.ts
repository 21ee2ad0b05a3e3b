// Cuts a byte stream into text lines (UTF-8 safe across chunk boundaries), for the
// line-oriented output of tools run in the toolkit (strace).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';
  private carried = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.buffered += this.decoder.write(chunk);
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.emit(line);
      newline = this.buffered.indexOf('\n');
    }
  }

  /** Text that belongs before the next line (a line another writer cut in two). */
  carry(text: string): void {
    this.carried += text;
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    this.buffered += this.decoder.end();
    const rest = this.carried + this.buffered;
    this.buffered = '';
    this.carried = '';
    if (rest !== '') this.onLine(rest);
  }

  private emit(line: string): void {
    const whole = this.carried + line;
    this.carried = '';
    this.onLine(whole);
  }
}
