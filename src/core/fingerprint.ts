// A fast 64-bit fingerprint for change detection and names: two multiply-xorshift lanes over
// 32-bit words, 16 hex digits. Not cryptographic, and never used where an adversary chooses
// the input: it tells whether toolkit-image/ changed since the image was built, and gives a
// session container a stable name. node:crypto would cost ~5 ms of every new session's
// start, and a byte-at-a-time loop ~6 ms for toolkit-image/ before the JIT warms up.

const MULTIPLIER_A = 0x9e3779b1;
const MULTIPLIER_B = 0x85ebca77;

export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x050c5d1f;
  private length = 0;

  update(data: string | Uint8Array): this {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const whole = bytes.length >>> 2;
    // Int32Array needs 4-byte alignment; small buffers from Node's pool often lack it.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    const words = new Int32Array(aligned.buffer, aligned.byteOffset, whole);
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < whole; i++) {
      const word = words[i] as number;
      a = Math.imul(a ^ word, MULTIPLIER_A);
      a ^= a >>> 15;
      b = Math.imul(b ^ word, MULTIPLIER_B);
      b ^= b >>> 13;
    }
    for (let i = whole * 4; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      a = Math.imul(a ^ byte, MULTIPLIER_A);
      a ^= a >>> 15;
      b = Math.imul(b ^ byte, MULTIPLIER_B);
      b ^= b >>> 13;
    }
    this.a = a;
    this.b = b;
    this.length += bytes.length;
    return this;
  }

  hex(): string {
    // The length closes the stream, so pieces that split differently cannot look alike.
    const a = Math.imul(this.a ^ this.length, MULTIPLIER_B);
    const b = Math.imul(this.b ^ this.length, MULTIPLIER_A);
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

export function fingerprint(text: string): string {
  return new Fingerprint().update(text).hex();
}

/** A random name suffix: unique enough for names, not a secret. */
export function randomSuffix(hexDigits = 8): string {
  let out = '';
  while (out.length < hexDigits) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, hexDigits);
}
