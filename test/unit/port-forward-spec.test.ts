// kubectl's port-forward argument shapes, and the relay's frames.
import { describe, expect, it } from 'vitest';
import {
  forwardTargetOf,
  parseAddressList,
  parseForwardSpec,
  parseRemoteAddress,
  formatHostPort,
} from '../../src/core/port-forward-spec.js';
import { END_FRAME, FrameDecoder, MAX_FRAME, encodeFrames } from '../../src/core/relay-frames.js';

const local = ['127.0.0.1'];

describe('parseForwardSpec', () => {
  it('reads LOCAL:REMOTE, PORT and :REMOTE as kubectl does', () => {
    expect(parseForwardSpec('8080:80', local)).toEqual({ localAddresses: local, localPort: 8080, remotePort: 80 });
    expect(parseForwardSpec('6060', local)).toEqual({ localAddresses: local, localPort: 6060, remotePort: 6060 });
    expect(parseForwardSpec(':5432', local)).toEqual({ localAddresses: local, localPort: 0, remotePort: 5432 });
  });

  it('takes a local address in front, IPv6 in brackets', () => {
    expect(parseForwardSpec('0.0.0.0:8080:80', local)).toEqual({ localAddresses: ['0.0.0.0'], localPort: 8080, remotePort: 80 });
    expect(parseForwardSpec('[::1]:8080:80', local)).toEqual({ localAddresses: ['::1'], localPort: 8080, remotePort: 80 });
    expect(parseForwardSpec('localhost:8080:80', local).localAddresses).toEqual(['127.0.0.1', '::1']);
  });

  it('refuses what is not a port, with the shapes it takes', () => {
    expect(() => parseForwardSpec('80:http', local)).toThrow('"80:http" is not a port to forward');
    expect(() => parseForwardSpec('70000:80', local)).toThrow('"70000:80": local port "70000" is not a port number (1-65535)');
    expect(() => parseForwardSpec('0', local)).toThrow('remote port "0"');
    expect(() => parseForwardSpec('host.example:80:80', local)).toThrow('"host.example" is not an IP address to listen on');
  });
});

describe('addresses', () => {
  it('defaults to 127.0.0.1 and splits --address lists', () => {
    expect(parseAddressList(undefined)).toEqual(['127.0.0.1']);
    expect(parseAddressList('127.0.0.1, ::1,127.0.0.1')).toEqual(['127.0.0.1', '::1']);
    expect(parseAddressList('localhost')).toEqual(['127.0.0.1', '::1']);
    expect(() => parseAddressList('nowhere')).toThrow('"nowhere" is not an IP address to listen on');
  });

  it('takes a numeric remote address in the target', () => {
    expect(parseRemoteAddress(undefined)).toBe('127.0.0.1');
    expect(parseRemoteAddress('[::1]')).toBe('::1');
    expect(() => parseRemoteAddress('db')).toThrow('"db" is not an IP address in the target');
  });

  it('formats IPv6 with brackets', () => {
    expect(formatHostPort('::1', 80)).toBe('[::1]:80');
    expect(formatHostPort('127.0.0.1', 80)).toBe('127.0.0.1:80');
  });
});

describe('relay frames', () => {
  it('round-trips data cut anywhere, and ends at the zero frame', () => {
    const data = Buffer.from(Array.from({ length: MAX_FRAME * 2 + 10 }, (_, i) => i % 256));
    const wire = Buffer.concat([...encodeFrames(data), ...encodeFrames(Buffer.from('tail')), END_FRAME]);
    const decoder = new FrameDecoder();
    const out: Buffer[] = [];
    let ended = false;
    for (let at = 0; at < wire.length; at += 7777) {
      const { payloads, end } = decoder.push(wire.subarray(at, at + 7777));
      out.push(...payloads);
      ended ||= end;
    }
    expect(Buffer.concat(out).equals(Buffer.concat([data, Buffer.from('tail')]))).toBe(true);
    expect(ended).toBe(true);
  });

  it('never makes a frame larger than the relay reads', () => {
    const frames = encodeFrames(Buffer.alloc(MAX_FRAME + 1));
    expect(frames.map((f) => f.length)).toEqual([4, MAX_FRAME, 4, 1]);
  });
});

describe('forwardTargetOf (the TUI f key)', () => {
  it('forwards to a listening TCP socket, wildcards made loopback', () => {
    expect(forwardTargetOf({ protocol: 'tcp', state: 'LISTEN', local: '0.0.0.0:8080', localPort: 8080 })).toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: 8080,
    });
    expect(forwardTargetOf({ protocol: 'tcp6', state: 'LISTEN', local: '[::]:80', localPort: 80 })).toEqual({
      remoteAddress: '::1',
      remotePort: 80,
    });
    expect(forwardTargetOf({ protocol: 'tcp', state: 'LISTEN', local: '172.17.0.2:9000', localPort: 9000 })).toEqual({
      remoteAddress: '172.17.0.2',
      remotePort: 9000,
    });
  });

  it('refuses connections and UDP', () => {
    expect(forwardTargetOf({ protocol: 'tcp', state: 'ESTABLISHED', local: '127.0.0.1:8080', localPort: 8080 })).toBeUndefined();
    expect(forwardTargetOf({ protocol: 'udp', state: 'UNCONN', local: '0.0.0.0:53', localPort: 53 })).toBeUndefined();
  });
});
