import { describe, expect, it } from 'vitest';
import { endOfHead, parseHttpResponseHead } from '../../src/core/http-response-head.js';

// The head dockerd 20.10 sent to `GET /containers/<id>/archive?path=/big HTTP/1.0`.
const DOCKERD_HEAD =
  'HTTP/1.0 200 OK\r\n' +
  'Api-Version: 1.41\r\n' +
  'Content-Type: application/x-tar\r\n' +
  'Docker-Experimental: false\r\n' +
  'Ostype: linux\r\n' +
  'Server: Docker/20.10.24+dfsg1 (linux)\r\n' +
  'X-Docker-Container-Path-Stat: eyJuYW1lIjoiYmlnIn0=\r\n' +
  'Date: Sun, 06 Dec 2026 11:40:00 GMT\r\n' +
  '\r\n';

describe('parseHttpResponseHead', () => {
  it("reads the status and the fields of the engine's answer, names lower-cased", () => {
    const bytes = Buffer.from(`${DOCKERD_HEAD}\0\0tar bytes`, 'latin1');
    const end = endOfHead(bytes);
    expect(bytes.subarray(end).toString('latin1')).toBe('\0\0tar bytes');
    const head = parseHttpResponseHead(bytes.subarray(0, end - 4));
    expect(head.statusCode).toBe(200);
    expect(head.statusMessage).toBe('OK');
    expect(head.headers['api-version']).toBe('1.41');
    expect(head.headers['x-docker-container-path-stat']).toBe('eyJuYW1lIjoiYmlnIn0=');
    expect(head.headers['content-length']).toBeUndefined();
  });

  it('waits for the blank line', () => {
    expect(endOfHead(Buffer.from('HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\n'))).toBe(-1);
  });

  it('joins a field sent twice, and takes a status without words', () => {
    const head = parseHttpResponseHead(Buffer.from('HTTP/1.1 404\r\nVia: a\r\nVia: b'));
    expect(head).toEqual({ statusCode: 404, statusMessage: '', headers: { via: 'a, b' } });
  });

  it('refuses what is not an HTTP answer', () => {
    expect(() => parseHttpResponseHead(Buffer.from('SSH-2.0-OpenSSH_9.2'))).toThrow('not an HTTP response: "SSH-2.0-OpenSSH_9.2"');
    expect(() => parseHttpResponseHead(Buffer.from('HTTP/1.0 200 OK\r\nno colon here'))).toThrow('a header line without a name');
  });
});
