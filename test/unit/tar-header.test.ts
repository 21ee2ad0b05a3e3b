import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { decodeTarHeader, encodeFileHeader, parsePaxRecords, TAR_END_BYTES, tarPadding } from '../../src/core/tar-header.js';

async function readBack(parts: Buffer[]): Promise<Array<{ header: tarStream.Header; body: Buffer }>> {
  const extract = tarStream.extract();
  Readable.from(parts).pipe(extract);
  const entries: Array<{ header: tarStream.Header; body: Buffer }> = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ header: entry.header, body: Buffer.concat(chunks) });
  }
  return entries;
}

describe('encodeFileHeader', () => {
  it('writes a ustar header a tar reader takes, with the data, padding and end', async () => {
    const body = Buffer.from('hello, target\n');
    const header = encodeFileHeader({
      name: '.remora-tmp-AbC123',
      size: body.length,
      mode: 0o640,
      uid: 65532,
      gid: 65533,
      mtimeMs: 1_700_000_000_999,
    });
    const entries = await readBack([header, body, Buffer.alloc(tarPadding(body.length)), Buffer.alloc(TAR_END_BYTES)]);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.header).toMatchObject({
      name: '.remora-tmp-AbC123',
      type: 'file',
      size: body.length,
      mode: 0o640,
      uid: 65532,
      gid: 65533,
    });
    expect(entry?.header.mtime?.getTime()).toBe(1_700_000_000_000);
    expect(entry?.body.equals(body)).toBe(true);
  });

  it('uses the base-256 form for numbers too large for octal (8 GiB files, large uids)', () => {
    const header = encodeFileHeader({ name: 'x', size: 8 * 1024 ** 3, mode: 0o644, uid: 4_000_000_000, gid: 0, mtimeMs: 0 });
    expect(header[124]).toBe(0x80);
    expect(header.readBigUInt64BE(128)).toBe(8n * 1024n ** 3n);
    expect(header[108]).toBe(0x80);
    expect(header.readUInt32BE(112)).toBe(4_000_000_000);
    expect(header.toString('ascii', 100, 107)).toBe('0000644');
  });

  it('refuses names it cannot write plainly', () => {
    expect(() => encodeFileHeader({ name: 'a b', size: 0, mode: 0, uid: 0, gid: 0, mtimeMs: 0 })).toThrow();
    expect(() => encodeFileHeader({ name: 'x'.repeat(101), size: 0, mode: 0, uid: 0, gid: 0, mtimeMs: 0 })).toThrow();
  });

  it('pads data to whole blocks', () => {
    expect(tarPadding(0)).toBe(0);
    expect(tarPadding(1)).toBe(511);
    expect(tarPadding(512)).toBe(0);
  });
});

describe('decodeTarHeader', () => {
  it('reads back what encodeFileHeader wrote, and a zero block as the end', () => {
    const header = encodeFileHeader({ name: 'big.bin', size: 9 * 1024 ** 3, mode: 0o640, uid: 65532, gid: 0, mtimeMs: 1_700_000_000_000 });
    expect(decodeTarHeader(header)).toEqual({
      name: Buffer.from('big.bin'),
      type: '0',
      size: 9 * 1024 ** 3,
      mode: 0o640,
      uid: 65532,
      gid: 0,
      mtimeMs: 1_700_000_000_000,
    });
    expect(decodeTarHeader(Buffer.alloc(512))).toBeNull();
  });

  it('refuses a header whose checksum or numbers are wrong', () => {
    const header = encodeFileHeader({ name: 'x', size: 1, mode: 0o644, uid: 0, gid: 0, mtimeMs: 0 });
    const tampered = Buffer.from(header);
    tampered[0] = 0x79;
    expect(() => decodeTarHeader(tampered)).toThrow('checksum');
    const negative = Buffer.from(header);
    negative[124] = 0xff;
    expect(() => decodeTarHeader(negative)).toThrow();
  });

  it('reads a header tar-stream wrote, ustar prefix and pax records included', async () => {
    const pack = tarStream.pack();
    const long = `${'d'.repeat(120)}/caf\u00e9-${'n'.repeat(90)}`;
    pack.entry({ name: long, size: 3, mode: 0o600, uid: 1, gid: 2, mtime: new Date(1_600_000_000_000) }, 'abc');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    const tar = Buffer.concat(chunks);
    const first = decodeTarHeader(tar.subarray(0, 512));
    if (first?.type === 'x') {
      const records = parsePaxRecords(tar.subarray(512, 512 + first.size));
      expect(records.get('path')?.toString('utf8')).toBe(long);
    } else {
      expect(first?.name.toString('utf8')).toBe(long);
    }
  });
});

describe('parsePaxRecords', () => {
  it('reads records as bytes and refuses malformed ones', () => {
    const records = parsePaxRecords(Buffer.from('15 path=caf\xe9.x\n11 size=42\n', 'latin1'));
    expect(records.get('path')).toEqual(Buffer.from('caf\xe9.x', 'latin1'));
    expect(records.get('size')?.toString()).toBe('42');
    expect(() => parsePaxRecords(Buffer.from('99 path=x\n'))).toThrow('malformed');
    expect(() => parsePaxRecords(Buffer.from('9 pathx\n\n'))).toThrow();
  });
});
