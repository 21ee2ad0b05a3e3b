// Names that are not UTF-8 in a tar that remora writes (`remora cp app:/dir -`). tar-stream
// writes every name as UTF-8, which would turn `caf\xe9` and `caf\xe8` into one name; such an
// entry gets a pax header of our own whose path (and linkpath) carry the exact bytes, as
// docker cp and Go's archive/tar write them, and ASCII stand-ins in the ustar fields, which
// the pax record overrides for every reader. Reading, pax names are taken as bytes too.
// Both hook one internal method of tar-stream 3 each (covered by the cp tests).
import type tarStream from 'tar-stream';
import { encodeFileHeader, parsePaxRecords, tarPadding } from '../core/tar-header.js';
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
      internals.push(
        encodeFileHeader({
          name: 'PaxHeader',
          type: 'x',
          size: body.length,
          mode: header.mode ?? 0o644,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          mtimeMs: (header.mtime ?? new Date()).getTime(),
        }),
      );
      internals.push(body);
      if (tarPadding(body.length)) internals.push(Buffer.alloc(tarPadding(body.length)));
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
    let records: Map<string, Buffer>;
    try {
      records = parsePaxRecords(buf);
    } catch {
      return; // tar-stream's own reading of a header it accepted stands
    }
    for (const [key, value] of records) if (key === 'path' || key === 'linkpath') internals._pax[key] = decodeTargetBytes(value);
  };
}
