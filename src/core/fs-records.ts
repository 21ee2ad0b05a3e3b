// The record stream spoken with the toolkit's `remora-fs pack`/`unpack` (see
// toolkit-image/helpers/remora-fs.c): a 48-byte big-endian header, the name, the link
// text, then `size` bytes of data. Length-prefixed so any byte but NUL survives in
// names; kept far simpler than tar so the C side stays small. Tar is done here, in TS.
import { RemoraError } from './errors.js';
import { encodeTargetText } from './target-text.js';

export const RECORD_HEADER_SIZE = 48;
const MAGIC = 0x72_66_73; // "rfs"
/** Longest name or link text either side accepts (PATH_MAX). */
export const MAX_RECORD_TEXT = 4096;

export const RECORD_KIND = {
  file: 'f',
  directory: 'd',
  symlink: 'l',
  hardlink: 'h',
  /** Something skipped (fifo, socket, device, unreadable): name and the reason in `link`. */
  warning: 'w',
  /** Sent first when asked: `size` is the total of the file bytes that follow. */
  total: 't',
  /** The clean end of a stream: anything cut short lacks it. */
  end: 'e',
} as const;

export type RecordKind = keyof typeof RECORD_KIND;

export interface FsRecord {
  kind: RecordKind;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in milliseconds since the epoch (sub-millisecond is dropped). */
  mtimeMs: number;
  name: string;
  /** Symlink target, hard link's earlier name, or a warning's text. */
  link: string;
  /** Data bytes that follow the header (files only). */
  size: number;
  /** Reserved (0): none defined yet. */
  flags: number;
}

const KIND_BY_LETTER = new Map<string, RecordKind>(Object.entries(RECORD_KIND).map(([kind, letter]) => [letter, kind as RecordKind]));

export function encodeRecord(record: FsRecord): Buffer {
  const name = encodeTargetText(record.name);
  const link = encodeTargetText(record.link);
  const header = Buffer.alloc(RECORD_HEADER_SIZE);
  header.writeUIntBE(MAGIC, 0, 3);
  header.write(RECORD_KIND[record.kind], 3, 'latin1');
  header.writeUInt32BE(record.mode & 0o7777, 4);
  header.writeUInt32BE(record.uid >>> 0, 8);
  header.writeUInt32BE(record.gid >>> 0, 12);
  const seconds = Math.floor(record.mtimeMs / 1000);
  header.writeBigInt64BE(BigInt(seconds), 16);
  header.writeUInt32BE(Math.round((record.mtimeMs - seconds * 1000) * 1_000_000), 24);
  header.writeUInt32BE(name.length, 28);
  header.writeUInt32BE(link.length, 32);
  header.writeBigUInt64BE(BigInt(record.size), 36);
  header.writeUInt32BE(record.flags >>> 0, 44);
  return Buffer.concat([header, name, link]);
}

export interface DecodedHeader {
  kind: RecordKind;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  nameLength: number;
  linkLength: number;
  size: number;
  flags: number;
}

/** Reads a header; a bad one means the stream is corrupt or not ours, which is fatal. */
export function decodeRecordHeader(header: Buffer): DecodedHeader {
  if (header.length < RECORD_HEADER_SIZE || header.readUIntBE(0, 3) !== MAGIC) {
    throw new RemoraError('OPERATION_FAILED', 'the copy stream from the toolkit is corrupt (bad record header)', {
      hint: 'rebuild the toolkit image: remora toolkit build',
    });
  }
  const kind = KIND_BY_LETTER.get(String.fromCharCode(header[3] ?? 0));
  const nameLength = header.readUInt32BE(28);
  const linkLength = header.readUInt32BE(32);
  const size = header.readBigUInt64BE(36);
  if (
    !kind ||
    nameLength > MAX_RECORD_TEXT ||
    linkLength > MAX_RECORD_TEXT ||
    size > BigInt(Number.MAX_SAFE_INTEGER) ||
    (kind !== 'file' && kind !== 'total' && size !== 0n)
  ) {
    throw new RemoraError('OPERATION_FAILED', 'the copy stream from the toolkit is corrupt (impossible record)', {
      hint: 'rebuild the toolkit image: remora toolkit build',
    });
  }
  const seconds = Number(header.readBigInt64BE(16));
  const nanos = header.readUInt32BE(24);
  return {
    kind,
    mode: header.readUInt32BE(4) & 0o7777,
    uid: header.readUInt32BE(8),
    gid: header.readUInt32BE(12),
    mtimeMs: seconds * 1000 + Math.floor(nanos / 1_000_000),
    nameLength,
    linkLength,
    size: Number(size),
    flags: header.readUInt32BE(44),
  };
}
