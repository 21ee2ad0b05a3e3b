// Tar headers written and read by hand: the one entry the archive route sends for a copy-in
// (a ustar header for a regular file, its padding and the end of the archive, so the file's
// bytes can follow straight from disk), and the pax headers that carry names as bytes. Numbers too large for their octal
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
  /** The entry's type flag: '0' a regular file (the default), 'x' a pax extended header for the next entry. */
  type?: '0' | 'x';
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
  block.write(header.type ?? '0', 156, 'ascii');
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

/** One header block as read from an untrusted tar (the engine's GET of a target's file). */
export interface DecodedTarHeader {
  /** Raw name bytes (prefix/name for ustar). */
  name: Buffer;
  /** The typeflag character: '0' a file, 'x' pax, 'L' a GNU long name, ... */
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** Reads an octal or base-256 number field; throws on anything else. */
function readNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    if (field[0] !== 0x80) throw new Error('a negative or oversized base-256 number');
    let value = 0n;
    for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(field[i] ?? 0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('a number too large');
    return Number(value);
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`a number field that is not octal (${JSON.stringify(text)})`);
  return parseInt(text, 8);
}

/** Decodes a header block; null for a zero block (the end of the archive). Throws on a bad checksum or field. */
export function decodeTarHeader(block: Buffer): DecodedTarHeader | null {
  if (block.length !== TAR_BLOCK) throw new Error('a short header block');
  if (block.every((byte) => byte === 0)) return null;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (readNumber(block, 148, 8) !== sum) throw new Error('a header whose checksum does not match');
  const cString = (offset: number, length: number): Buffer => {
    const field = block.subarray(offset, offset + length);
    const end = field.indexOf(0);
    return end < 0 ? field : field.subarray(0, end);
  };
  let name = cString(0, 100);
  // ustar: a prefix of up to 155 bytes goes before the name, with a slash.
  if (block.toString('latin1', 257, 262) === 'ustar') {
    const prefix = cString(345, 155);
    if (prefix.length) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  }
  return {
    name,
    type: block[156] === 0 ? '0' : String.fromCharCode(block[156] as number),
    size: readNumber(block, 124, 12),
    mode: readNumber(block, 100, 8) & 0o7777,
    uid: readNumber(block, 108, 8),
    gid: readNumber(block, 116, 8),
    mtimeMs: readNumber(block, 136, 12) * 1000,
  };
}

/** The records of a pax extended header ("LEN key=value\n"...), values as bytes. Throws when malformed. */
export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break; // padding
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(data.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= space - at || at + length > data.length || data[at + length - 1] !== 0x0a)
      throw new Error('a malformed pax record');
    const record = data.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals < 0) throw new Error('a pax record without =');
    records.set(record.toString('utf8', 0, equals), record.subarray(equals + 1));
    at += length;
  }
  return records;
}
