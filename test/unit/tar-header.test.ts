import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { encodeFileHeader, TAR_END_BYTES, tarPadding } from '../../src/core/tar-header.js';

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
