// A pair of byte streams that Node's http takes for a socket: what http writes goes to
// `sink`, what `source` gives is read. Both ssh transports hand http such pairs (a pipe to
// an ssh process, a channel of the master's forward); each subclass tells its own end,
// failures and lifetime (ref, unref, timeouts).
import { Duplex, type Readable, type Writable } from 'node:stream';

export abstract class PipedSocket extends Duplex {
  constructor(
    private readonly source: Readable,
    private readonly sink: Writable,
  ) {
    // Half-close is how a request body ends (exec without stdin): the reading side stays open.
    super({ allowHalfOpen: true });
    source.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) source.pause();
    });
  }

  override _read(): void {
    this.source.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.sink.destroyed) return callback();
    // Hand on at once while the sink takes more: waiting for each chunk to be flushed
    // would leave it idle between chunks of a large upload.
    if (this.sink.write(chunk)) callback();
    else this.sink.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.end();
    callback();
  }

  // What http and its Agent call on a net.Socket; neither transport has anything to tune.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
}
