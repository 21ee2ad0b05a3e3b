// Names that are not UTF-8 in a tar that remora writes (`remora cp app:/dir -`). tar-stream
// writes every name as UTF-8, which would turn `caf\xe9` and `caf\xe8` into one name; such an
// entry gets a pax header of our own whose path (and linkpath) carry the exact bytes, as
// docker cp and Go's archive/tar write them, and ASCII stand-ins in the ustar fields, which
// the pax record overrides for every reader. Reading, pax names are taken as bytes too.
// Both hook one internal method of tar-stream 3 each (covered by the cp tests).
import type tarStream from 'tar-stream';
import { decodeTargetBytes, encodeTargetText, hasEscapedBytes } from '../core/target-text.js';

const RAW = Symbol('remora raw tar names');

type Header = Partial<tarStream.Header> & { [RAW]?: { path: Buffer; linkpath?: Buffer } };

/** The header to give pack.entry: unchanged, or with stand-ins and the exact bytes kept aside. */
export function rawNamed<H extends Partial<tarStream.Header> & { name: string }>(header: H): H {
  const link = header.linkname ?? '';
  if (!hasEscapedBytes(header.name) && !hasEscapedBytes(link)) return header;
  const directory = header.name.endsWith('/');
  const raw: NonNullable<Header[typeof RAW]> = {
    path: encodeTargetText(header.name),
    ...(link ? { linkpath: encodeTargetText(link) } : {}),
  };
  return {
    ...header,
    name: directory ? 'remora-raw-name/' : 'remora-raw-name',
    ...(link ? { linkname: 'remora-raw-link' } : {}),
    [RAW]: raw,
  };
}

/** Makes `pack` write the pax header of an entry rawNamed() marked, just before its own header. */
export function writeRawNames(pack: tarStream.Pack): void {
  const internals = pack as unknown as { _encode(header: Header): void; push(chunk: Buffer): boolean };
  const encode = internals._encode.bind(pack);
  internals._encode = (header: Header) => {
    const raw = header[RAW];
    if (raw) {
      const body = Buffer.concat([paxRecord('path', raw.path), ...(raw.linkpath ? [paxRecord('linkpath', raw.linkpath)] : [])]);
      internals.push(ustarHeader('PaxHeader', body.length, header));
      internals.push(body);
      if (body.length % 512) internals.push(Buffer.alloc(512 - (body.length % 512)));
    }
    encode(header);
  };
}

/** "LEN key=value\n", LEN counting itself (POSIX pax). */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = 1 + key.length + 1 + value.length + 1;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

/** A ustar header of type 'x' (a pax extended header for the next entry). */
function ustarHeader(name: string, size: number, of: Header): Buffer {
  const block = Buffer.alloc(512);
  const octal = (value: number, offset: number, width: number) =>
    block.write(
      `${Math.max(0, Math.floor(value))
        .toString(8)
        .padStart(width - 1, '0')}\0`,
      offset,
      'ascii',
    );
  block.write(name, 0, 100, 'ascii');
  octal((of.mode ?? 0o644) & 0o7777, 100, 8);
  octal(of.uid ?? 0, 108, 8);
  octal(of.gid ?? 0, 116, 8);
  octal(size, 124, 12);
  octal((of.mtime ?? new Date()).getTime() / 1000, 136, 12);
  block.write('x', 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/**
 * Makes `extract` read pax path and linkpath as bytes (tar-stream decodes them as UTF-8):
 * a tar from docker cp or Go's archive/tar carries names that are not UTF-8 there.
 */
export function readRawNames(extract: tarStream.Extract): void {
  const internals = extract as unknown as {
    _decodeLongHeader(buf: Buffer): void;
    _header: { type?: string } | null;
    _pax: Record<string, string> | null;
  };
  const decode = internals._decodeLongHeader.bind(extract);
  internals._decodeLongHeader = (buf: Buffer) => {
    decode(buf);
    if (internals._header?.type !== 'pax-header' || !internals._pax) return;
    for (const [key, value] of paxRecords(buf)) if (key === 'path' || key === 'linkpath') internals._pax[key] = decodeTargetBytes(value);
  };
}

/** The records of a pax header, values as bytes. */
function paxRecords(buf: Buffer): Array<[string, Buffer]> {
  const records: Array<[string, Buffer]> = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const length = space < 0 ? 0 : Number(buf.toString('ascii', at, space));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > buf.length) break;
    const record = buf.subarray(space + 1, at + length - 1); // without the newline
    const equals = record.indexOf(0x3d);
    if (equals > 0) records.push([record.toString('utf8', 0, equals), record.subarray(equals + 1)]);
    at += length;
  }
  return records;
}
