// The one tar entry the archive route sends for a copy-in: a ustar header for a regular
// file, its padding and the end of the archive, written here so the file's bytes can follow
// straight from disk (no tar library buffering them). Numbers too large for their octal
// field (a file of 8 GiB or more, a uid above 2097151) take the base-256 form GNU tar and
// Go's archive/tar read.

export const TAR_BLOCK = 512;

export interface TarFileHeader {
  /** Plain ASCII name of at most 100 bytes (the temporary's). */
  name: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** Writes value in an octal field of `length` bytes (NUL-terminated), or base-256 when it does not fit. */
function writeNumber(block: Buffer, offset: number, length: number, value: number): void {
  const octal = Math.floor(value).toString(8);
  if (octal.length <= length - 1) {
    block.write(octal.padStart(length - 1, '0'), offset, length - 1, 'ascii');
    block[offset + length - 1] = 0;
    return;
  }
  let rest = BigInt(Math.floor(value));
  for (let i = length - 1; i >= 1; i--) {
    block[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[offset] = 0x80;
}

export function encodeFileHeader(header: TarFileHeader): Buffer {
  const name = Buffer.from(header.name, 'ascii');
  if (name.length === 0 || name.length > 100 || !/^[\x21-\x7e]+$/.test(header.name))
    throw new Error(`a tar name of 1-100 printable ASCII bytes expected: ${header.name}`);
  const block = Buffer.alloc(TAR_BLOCK);
  name.copy(block, 0);
  writeNumber(block, 100, 8, header.mode & 0o7777);
  writeNumber(block, 108, 8, header.uid);
  writeNumber(block, 116, 8, header.gid);
  writeNumber(block, 124, 12, header.size);
  writeNumber(block, 136, 12, Math.floor(header.mtimeMs / 1000));
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  block.write('0', 156, 'ascii'); // a regular file
  block.write('ustar\x0000', 257, 'binary');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** Zero bytes after a file's data, up to the next block. */
export function tarPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/** Two zero blocks end an archive. */
export const TAR_END_BYTES = 2 * TAR_BLOCK;
