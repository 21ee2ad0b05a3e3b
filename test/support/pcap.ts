// A reader of pcap files for tests, written from the format description (not from
// Remora's counter): global header, then records; every byte accounted for.

export interface PcapPacket {
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

export interface PcapFile {
  linkType: number;
  snaplen: number;
  packets: PcapPacket[];
}

export function parsePcap(file: Buffer): PcapFile {
  if (file.length < 24) throw new Error(`pcap too short: ${file.length} bytes`);
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d)
    throw new Error(`not pcap: magic ${magic.toString(16)}`);
  const u32 = (at: number): number => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const packets: PcapPacket[] = [];
  let at = 24;
  while (at < file.length) {
    if (at + 16 > file.length) throw new Error(`truncated record header at ${at}`);
    const capturedLength = u32(at + 8);
    const originalLength = u32(at + 12);
    if (at + 16 + capturedLength > file.length) throw new Error(`truncated packet at ${at}`);
    if (capturedLength > originalLength) throw new Error(`captured ${capturedLength} > original ${originalLength} at ${at}`);
    packets.push({ capturedLength, originalLength, data: file.subarray(at + 16, at + 16 + capturedLength) });
    at += 16 + capturedLength;
  }
  return { linkType: u32(20), snaplen: u32(16), packets };
}

/** TCP ports of a packet captured on `any` (Linux cooked v2, link type 276) over IPv4. */
export function tcpPorts(packet: PcapPacket): { source: number; destination: number } | undefined {
  const ip = packet.data.subarray(20);
  if (ip.length < 20 || ip[0]! >> 4 !== 4 || ip[9] !== 6) return undefined;
  const tcp = ip.subarray((ip[0]! & 0x0f) * 4);
  return { source: tcp.readUInt16BE(0), destination: tcp.readUInt16BE(2) };
}
