// Follows a pcap stream as it arrives (tcpdump -w -): packets complete so far, and where
// the last complete one ends (to cut a stream that broke off mid-record), without keeping
// the bytes. Pure: chunks in, counts out.
// Format: a 24-byte global header whose magic says byte order and time resolution, then
// per packet a 16-byte record header (seconds, sub-seconds, captured length, original
// length) and the captured bytes.

const MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapCounter {
  /** Packets whose record is complete so far. */
  packets = 0;
  /** Bytes seen, headers included. */
  bytes = 0;
  /** Length of the stream up to the end of the last complete record (or the global header). */
  completeBytes = 0;
  private littleEndian: boolean | undefined;
  private invalid = false;
  /** The global header or the current record header, while incomplete. */
  private head = Buffer.alloc(0);
  /** Bytes of the current packet's data still to come. */
  private remaining = 0;

  /** Whether the stream so far is not pcap (an unknown magic). */
  get isInvalid(): boolean {
    return this.invalid;
  }

  /** Whether the global header has arrived (tcpdump writes it once it is capturing). */
  get started(): boolean {
    return this.littleEndian !== undefined;
  }

  push(chunk: Buffer): void {
    let at = 0;
    const base = this.bytes;
    this.bytes += chunk.length;
    while (at < chunk.length && !this.invalid) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        this.remaining -= n;
        at += n;
        if (this.remaining === 0) this.recordDone(base + at);
        continue;
      }
      const want = (this.started ? RECORD_HEADER : GLOBAL_HEADER) - this.head.length;
      const piece = chunk.subarray(at, at + want);
      this.head = this.head.length === 0 ? Buffer.from(piece) : Buffer.concat([this.head, piece]);
      at += piece.length;
      if (piece.length < want) return;
      if (!this.started) {
        if (MAGICS.has(this.head.readUInt32LE(0))) this.littleEndian = true;
        else if (MAGICS.has(this.head.readUInt32BE(0))) this.littleEndian = false;
        else this.invalid = true;
        this.completeBytes = base + at;
      } else {
        this.remaining = this.littleEndian ? this.head.readUInt32LE(8) : this.head.readUInt32BE(8);
        if (this.remaining === 0) this.recordDone(base + at);
      }
      this.head = Buffer.alloc(0);
    }
  }

  private recordDone(end: number): void {
    this.packets++;
    this.completeBytes = end;
  }
}
