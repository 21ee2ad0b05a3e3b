// The pcap follower behind `remora capture`'s live count, on a pcap made by hand and cut
// at every byte boundary a TCP read could produce.
import { describe, expect, it } from 'vitest';
import { PcapCounter } from '../../src/core/pcap-stream.js';

function pcap(littleEndian: boolean, lengths: number[]): Buffer {
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    if (littleEndian) b.writeUInt32LE(n);
    else b.writeUInt32BE(n);
    return b;
  };
  const header = Buffer.concat([
    u32(0xa1b2c3d4),
    Buffer.from(littleEndian ? [2, 0, 4, 0] : [0, 2, 0, 4]),
    u32(0),
    u32(0),
    u32(262144),
    u32(276),
  ]);
  const records = lengths.map((n, i) => Buffer.concat([u32(1700000000 + i), u32(0), u32(n), u32(n + 10), Buffer.alloc(n, i)]));
  return Buffer.concat([header, ...records]);
}

describe('PcapCounter', () => {
  it('counts records in either byte order, whatever the cuts', () => {
    for (const le of [true, false]) {
      const file = pcap(le, [60, 0, 1500, 7]);
      for (const cut of [1, 3, 16, 17, 1000]) {
        const counter = new PcapCounter();
        for (let at = 0; at < file.length; at += cut) counter.push(file.subarray(at, at + cut));
        expect(counter.packets).toBe(4);
        expect(counter.completeBytes).toBe(file.length);
        expect(counter.started).toBe(true);
      }
    }
  });

  it('knows where the last complete record ends when the stream breaks off', () => {
    const file = pcap(true, [100, 200]);
    const counter = new PcapCounter();
    counter.push(file.subarray(0, file.length - 50));
    expect(counter.packets).toBe(1);
    expect(counter.completeBytes).toBe(24 + 16 + 100);
  });

  it('says when it is not pcap, and when nothing has started', () => {
    const counter = new PcapCounter();
    expect(counter.started).toBe(false);
    counter.push(Buffer.from('tcpdump: syntax error in filter expression\n'));
    expect(counter.isInvalid).toBe(true);
    expect(counter.packets).toBe(0);
  });
});
