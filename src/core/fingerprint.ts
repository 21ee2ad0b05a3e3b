// Fingerprints for change detection and names: SHA-256 from node:crypto, cut to 16 hex
// digits where a name or label carries it. It tells whether toolkit-image/ changed since the
// image was built, gives a session container a stable name, and names ssh control sockets
// and docker context directories. node:crypto is loaded on the first hash (~4 ms of CPU):
// warm commands (exec, ps) reach this module but hash nothing.
import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;

function createHash(algorithm: 'sha256'): Hash {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash(algorithm);
}

export class Fingerprint {
  private readonly hash: Hash = createHash('sha256');

  update(data: string | Uint8Array): this {
    this.hash.update(data);
    return this;
  }

  /** 16 hex digits: the first 64 bits of the digest. */
  hex(): string {
    return this.hash.digest('hex').slice(0, 16);
  }
}

export function fingerprint(text: string): string {
  return new Fingerprint().update(text).hex();
}

/** The whole SHA-256 digest, in hex (docker's context directories are named by it). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A random name suffix: unique enough for names, not a secret. */
export function randomSuffix(hexDigits = 8): string {
  let out = '';
  while (out.length < hexDigits)
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, hexDigits);
}
