// The wire format between remora and the toolkit's remora-relay helper (see
// toolkit-image/helpers/remora-relay.c): a 4-byte big-endian length, then the bytes; a
// zero length closes that direction's sending half. Pure: no streams, no I/O.

export const MAX_FRAME = 64 * 1024 - 4;

/** Frames `data`, splitting it so no frame exceeds what the relay reads at once. */
export function encodeFrames(data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < data.length; at += MAX_FRAME) {
    const piece = data.subarray(at, Math.min(at + MAX_FRAME, data.length));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(piece.length, 0);
    frames.push(header, piece);
  }
  return frames;
}

export const END_FRAME: Buffer = Buffer.from([0, 0, 0, 0]);

/** Takes bytes as they arrive and hands out payloads, and the end mark once. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  /** Payloads complete in what has arrived so far; `end` when the zero frame came. */
  push(chunk: Buffer): { payloads: Buffer[]; end: boolean } {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const payloads: Buffer[] = [];
    while (!this.ended && this.pending.length >= 4) {
      const size = this.pending.readUInt32BE(0);
      if (size === 0) {
        this.ended = true;
        this.pending = this.pending.subarray(4);
        break;
      }
      if (this.pending.length < 4 + size) break;
      payloads.push(this.pending.subarray(4, 4 + size));
      this.pending = this.pending.subarray(4 + size);
    }
    return { payloads, end: this.ended };
  }
}
