import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/ops/buffer-pool.js';
import { encodeRecords, type CopyEntry } from '../../src/ops/copy-entries.js';

describe('BufferPool', () => {
  it('hands out its buffers, takes back chunks cut from them, and never makes anyone wait', () => {
    const pool = new BufferPool(2, 8);
    const a = pool.take();
    const b = pool.take();
    const extra = pool.take(); // pool empty: a fresh buffer, not a wait
    expect(new Set([a, b, extra]).size).toBe(3);
    pool.release(a.subarray(0, 3));
    pool.release(a); // a repeat is ignored
    pool.release(extra); // not the pool's
    expect(pool.take()).toBe(a);
    expect(pool.take()).not.toBe(a);
  });
});

describe('encodeRecords with a pool', () => {
  it('releases every chunk only after the sink is done with it', async () => {
    const pool = new BufferPool(2, 128 * 1024);
    const big = [pool.take().fill(1), pool.take().fill(2)];
    const chunks = [...big, Buffer.from('small')];
    const released: Uint8Array[] = [];
    const releasedWhileHeld: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        for (const buffer of big)
          if (chunk.buffer === buffer.buffer && released.some((r) => r.buffer === buffer.buffer)) releasedWhileHeld.push(buffer);
        setImmediate(done);
      },
    });
    const record = {
      kind: 'file' as const,
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtimeMs: 0,
      name: 'f',
      link: '',
      size: chunks.reduce((n, c) => n + c.length, 0),
      flags: 0,
    };
    async function* entries(): AsyncGenerator<CopyEntry> {
      yield {
        record,
        data: (async function* () {
          yield* chunks;
        })(),
      };
    }
    await encodeRecords(entries(), sink, { release: (chunk) => released.push(chunk) });
    await new Promise((resolve) => sink.end(resolve));
    expect(releasedWhileHeld).toEqual([]);
    for (const buffer of big) expect(released.some((r) => r.buffer === buffer.buffer)).toBe(true);
  });
});
