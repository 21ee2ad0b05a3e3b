import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demultiplex } from '../../src/engine/demux.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('demultiplex', () => {
  it('splits frames cut at any byte into stdout and stderr', async () => {
    const source = new PassThrough();
    const { stdout, stderr, done } = demultiplex(source);
    const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let i = 0; i < wire.length; i += 3) source.write(wire.subarray(i, i + 3));
    source.end();
    const [out, err] = await Promise.all([text(stdout), text(stderr), done]);
    expect(out).toBe('hello world');
    expect(err).toBe('oops');
  });

  it('uses bytes that arrived with the upgrade response', async () => {
    const source = new PassThrough();
    const { stdout, stderr } = demultiplex(source, frame(1, 'early'));
    source.end(frame(1, '+late'));
    expect(await text(stdout)).toBe('early+late');
    expect(await text(stderr)).toBe('');
  });
});
