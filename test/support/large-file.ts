// A large local file for copy tests, made quickly: sparse, with random bytes at both ends so
// a copy that drops or shifts any part of it changes its hash.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

const MIB = 1024 * 1024;

/** Writes a file of `bytes` (at least 2 MiB) at `path`; returns its sha256. */
export function makeLargeFile(path: string, bytes: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  const head = randomBytes(MIB);
  const tail = randomBytes(MIB);
  writeSync(fd, head, 0, head.length, 0);
  writeSync(fd, tail, 0, tail.length, bytes - tail.length);
  closeSync(fd);
  return sha256File(path);
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
