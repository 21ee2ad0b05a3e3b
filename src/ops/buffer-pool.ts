// A few large read buffers, reused. A 1 GiB copy-in read into a fresh 1 MiB buffer per
// chunk kept V8's garbage collector busy for about a second of CPU per GiB, on machines
// where dockerd and the container runtime need every core to relay the stream: with the
// buffers reused, remora streams into an exec as fast as the docker CLI does.
//
// A buffer goes back to the pool once the socket write that carried it has completed. The
// pool never makes anyone wait: when all its buffers are out, take() allocates a new one,
// so a consumer that keeps a chunk longer costs memory, never a deadlock.

export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Pool buffers by their memory, so a chunk cut from one finds its way home. */
  private readonly byMemory = new Map<ArrayBufferLike, Buffer>();
  private readonly out = new Set<Buffer>();

  constructor(
    count: number,
    readonly size: number,
  ) {
    for (let i = 0; i < count; i++) {
      const buffer = Buffer.allocUnsafeSlow(size);
      this.free.push(buffer);
      this.byMemory.set(buffer.buffer, buffer);
    }
  }

  take(): Buffer {
    const buffer = this.free.pop() ?? Buffer.allocUnsafe(this.size);
    if (this.byMemory.has(buffer.buffer)) this.out.add(buffer);
    return buffer;
  }

  /** Gives back the pool buffer a chunk was cut from; other chunks, and repeats, are ignored. */
  release(chunk: Uint8Array): void {
    const buffer = this.byMemory.get(chunk.buffer);
    if (!buffer || !this.out.delete(buffer)) return;
    this.free.push(buffer);
  }
}
