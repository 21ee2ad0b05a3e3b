import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/core/transfer-progress.js';
import { decodeRecordHeader, encodeRecord, RECORD_HEADER_SIZE, type FsRecord } from '../../src/core/fs-records.js';
import { describeMount, mountContaining, parseMountInfo } from '../../src/core/mount-info.js';
import { decodeRecords, encodeRecords, type CopyEntry } from '../../src/ops/copy-entries.js';

const base: FsRecord = {
  kind: 'file',
  mode: 0o4755,
  uid: 65532,
  gid: 65533,
  mtimeMs: 1_700_000_000_123,
  name: 'a dir/ü\nx',
  link: '',
  size: 3,
  flags: 0,
};

async function collect(source: AsyncIterable<CopyEntry>): Promise<Array<{ record: FsRecord; data: string | null }>> {
  const out: Array<{ record: FsRecord; data: string | null }> = [];
  for await (const { record, data } of source) {
    if (!data) {
      out.push({ record, data: null });
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk);
    out.push({ record, data: Buffer.concat(chunks).toString() });
  }
  return out;
}

async function* entries(list: CopyEntry[]): AsyncGenerator<CopyEntry> {
  yield* list;
}

function data(text: string): AsyncIterable<Buffer> {
  return (async function* () {
    yield Buffer.from(text);
  })();
}

describe('record stream', () => {
  it('encodes the header remora-fs reads (big-endian, 48 bytes)', () => {
    const encoded = encodeRecord(base);
    expect(encoded.subarray(0, 4).toString('latin1')).toBe('rfsf');
    expect(encoded.readUInt32BE(4)).toBe(0o4755);
    expect(encoded.readUInt32BE(8)).toBe(65532);
    expect(encoded.readBigInt64BE(16)).toBe(1_700_000_000n);
    expect(encoded.readUInt32BE(24)).toBe(123_000_000);
    expect(encoded.length).toBe(RECORD_HEADER_SIZE + Buffer.byteLength(base.name));
    const header = decodeRecordHeader(encoded);
    expect(header).toMatchObject({ kind: 'file', mode: 0o4755, uid: 65532, gid: 65533, mtimeMs: 1_700_000_000_123, size: 3 });
  });

  it('refuses a corrupt header', () => {
    expect(() => decodeRecordHeader(Buffer.alloc(RECORD_HEADER_SIZE))).toThrow(
      'the copy stream from the toolkit is corrupt (bad record header)',
    );
    const impossible = encodeRecord({ ...base, kind: 'directory', size: 5 });
    expect(() => decodeRecordHeader(impossible)).toThrow('impossible record');
  });

  it('round-trips entries through a stream cut at every few bytes, skipping unread data', async () => {
    const wire = new PassThrough();
    const written = encodeRecords(
      entries([
        { record: { ...base, kind: 'directory', name: '.', size: 0 }, data: null },
        { record: { ...base, name: 'one' }, data: data('abc') },
        { record: { ...base, name: 'two', size: 5 }, data: data('hello') },
        { record: { ...base, kind: 'symlink', name: 'l', link: '/etc', size: 0 }, data: null },
      ]),
      wire,
    ).then(() => wire.end());
    const chopped = new PassThrough();
    wire.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i += 5) chopped.write(chunk.subarray(i, i + 5));
    });
    wire.on('end', () => chopped.end());
    const state = { complete: false };
    const seen: string[] = [];
    for await (const { record, data: bytes } of decodeRecords(chopped, state)) {
      // Reads the data of "two" only: "one" must be skipped without desynchronising.
      if (record.name === 'two' && bytes) {
        const chunks: Buffer[] = [];
        for await (const chunk of bytes) chunks.push(chunk);
        seen.push(`two=${Buffer.concat(chunks).toString()}`);
      } else {
        seen.push(`${record.kind}:${record.name}${record.link ? `->${record.link}` : ''}`);
      }
    }
    await written;
    expect(seen).toEqual(['directory:.', 'file:one', 'two=hello', 'symlink:l->/etc']);
    expect(state.complete).toBe(true);
  });

  it('fails on a stream cut in the middle of a file', async () => {
    const wire = new PassThrough();
    wire.end(Buffer.concat([encodeRecord({ ...base, size: 10 }), Buffer.from('abc')]));
    await expect(collect(decodeRecords(wire))).rejects.toThrow('the copy stream from the toolkit ended in the middle of an entry');
  });

  it('refuses to send a file whose size changed from the announced one', async () => {
    const sink = new PassThrough();
    sink.resume();
    await expect(encodeRecords(entries([{ record: { ...base, size: 10 }, data: data('abc') }]), sink)).rejects.toThrow(
      '3 bytes read where 10 were announced',
    );
  });
});

describe('mountinfo', () => {
  const mounts = parseMountInfo(readFileSync(new URL('../fixtures/mountinfo/read-only-target.txt', import.meta.url), 'utf8'));

  it('finds the mount a path lives on, longest mount point first', () => {
    expect(mountContaining('/etc', mounts)).toMatchObject({ mountPoint: '/', readOnly: true, fsType: 'overlay' });
    expect(mountContaining('/data/tmp/x', mounts)).toMatchObject({ mountPoint: '/data/tmp', readOnly: false, fsType: 'tmpfs' });
    expect(mountContaining('/data/vol', mounts)).toMatchObject({ mountPoint: '/data/vol', readOnly: false });
    expect(mountContaining('/config/a', mounts)).toMatchObject({ mountPoint: '/config', readOnly: true });
    expect(mountContaining('/data/tmpx', mounts)).toMatchObject({ mountPoint: '/' });
  });

  it('says which mount, as a user reads it', () => {
    expect(describeMount(mountContaining('/etc', mounts)!)).toBe("the target's root filesystem");
    expect(describeMount(mountContaining('/data/tmp/x', mounts)!)).toBe('the tmpfs at /data/tmp (size 1024k)');
    expect(describeMount(mountContaining('/config', mounts)!)).toBe('the mount at /config');
  });

  it('decodes escaped mount points', () => {
    const [mount] = parseMountInfo('40 30 0:50 / /data/with\\040space rw,relatime - tmpfs tmpfs rw\n');
    expect(mount?.mountPoint).toBe('/data/with space');
  });
});

describe('formatProgress', () => {
  it('says bytes, rate and ETA', () => {
    expect(formatProgress(512 * 1024 * 1024, 1024 * 1024 * 1024, 4000)).toBe('512 MiB / 1.0 GiB  128 MiB/s  ETA 0:04');
    expect(formatProgress(1536, undefined, 1000)).toBe('1.5 KiB  1.5 KiB/s');
  });
});
