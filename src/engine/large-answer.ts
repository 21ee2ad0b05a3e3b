// A request whose answer is large (a file's archive, hundreds of MiB) on a connection of its
// own, in HTTP/1.0: the engine then sends the body as it is, without the chunked framing,
// and ends it by closing the connection. The kernel reads it straight into 1 MiB buffers
// (net's `onread`), and each buffer, once full, is a chunk of the body. Node's HTTP client
// parsed a chunk header every 32 KiB, allocated a buffer per read and handed on up to four
// pieces per read: on 512 MiB that was about twice the CPU of this, on a machine where the
// engine needs every core to send it. A body cut short is not told from a whole one here:
// the reader of what it holds checks its own end (the tar's end blocks).
import type net from 'node:net';
import { Readable } from 'node:stream';
import { endOfHead, parseHttpResponseHead, type HttpResponseHead } from '../core/http-response-head.js';
import type { ReusableChunks } from './types.js';

/** net's `onread` option: where the next read goes, and what came. */
export interface ReadInto {
  buffer: () => Uint8Array;
  callback: (bytes: number, buffer: Uint8Array) => boolean;
}

/** Connects to the engine, with reads going into given buffers when `onread` is given. */
export type DialInto = (onread?: ReadInto) => net.Socket;

export interface LargeAnswer {
  head: HttpResponseHead;
  /** The body, in chunks of about 1 MiB; destroying it closes the connection. */
  body: Readable & ReusableChunks;
}

export interface LargeRequest {
  method: string;
  /** Path and query, encoded. */
  target: string;
  host: string;
  signal?: AbortSignal;
}

const CHUNK_BYTES = 1024 * 1024;
/** A chunk goes on once less than this is left in it: smaller reads would only cost more calls. */
const MIN_READ_BYTES = 64 * 1024;
/** An engine's head is a few hundred bytes; more than this is not one. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Chunks kept for reuse: about what a reader holds ahead of its writes. */
const MAX_FREE_CHUNKS = 16;

export function requestLargeAnswer(dial: DialInto, request: LargeRequest): Promise<LargeAnswer> {
  return new Promise((resolve, reject) => {
    // Reused chunks: a fresh 1 MiB per chunk cost page faults and collections, about a
    // tenth of remora's CPU on a 512 MiB copy.
    const free: Buffer[] = [];
    /** Chunks handed on, by their memory, with the bytes not given back yet. */
    const owed = new Map<ArrayBufferLike, { chunk: Buffer; bytes: number }>();
    let chunk: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    /** chunk[start, filled) is body not handed on yet. */
    let start = 0;
    let filled = 0;
    let head: HttpResponseHead | undefined;
    /** The body's end was pushed: what is left in it is the consumer's to read. */
    let ended = false;
    /** Body bytes still to come when the engine said how many (Content-Length). */
    let left = Infinity;
    const readable = new Readable({
      read: () => socket.resume(),
      destroy: (error, done) => {
        socket.destroy();
        free.length = 0;
        owed.clear();
        done(error);
      },
    });
    const body = Object.assign(readable, {
      release(bytes: Uint8Array): void {
        const entry = owed.get(bytes.buffer);
        if (!entry || bytes.length === 0) return;
        entry.bytes -= bytes.length;
        if (entry.bytes > 0) return;
        owed.delete(bytes.buffer);
        if (free.length < MAX_FREE_CHUNKS && !readable.destroyed) free.push(entry.chunk);
      },
    });
    const handOn = (): boolean => {
      const piece = chunk.subarray(start, filled);
      if (piece.length > 0) owed.set(chunk.buffer, { chunk, bytes: piece.length });
      chunk = free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
      start = 0;
      filled = 0;
      return piece.length === 0 || body.push(piece);
    };
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const socket = dial({
      buffer: () => chunk.subarray(filled),
      callback: (bytes) => {
        filled += bytes;
        if (!head) {
          const end = endOfHead(chunk.subarray(0, filled));
          if (end < 0) {
            if (filled >= MAX_HEAD_BYTES) fail(new Error('the engine sent no end to the head of its answer'));
            return true;
          }
          try {
            head = parseHttpResponseHead(chunk.subarray(0, end - 4));
          } catch (error) {
            fail(error as Error);
            return false;
          }
          start = end;
          const length = head.headers['content-length'];
          if (length !== undefined) left = Number(length);
          if (head.headers['transfer-encoding'] !== undefined && head.headers['transfer-encoding'] !== 'identity') {
            fail(new ChunkedAnswer());
            return false;
          }
          resolve({ head, body });
        }
        if (filled - start >= left) {
          filled = start + left;
          left = 0;
          handOn();
          ended = true;
          body.push(null);
          socket.destroy();
          return false;
        }
        if (CHUNK_BYTES - filled >= MIN_READ_BYTES) return true;
        if (left !== Infinity) left -= filled - start;
        return handOn();
      },
    });
    socket.write(`${request.method} ${request.target} HTTP/1.0\r\nHost: ${request.host}\r\n\r\n`);
    socket.once('end', () => {
      if (!head) return fail(new Error('the engine closed the connection before it answered'));
      handOn();
      ended = true;
      body.push(null);
    });
    socket.once('error', (error) => {
      if (head) body.destroy(error);
      else reject(error);
    });
    socket.once('close', () => {
      if (!head) reject(new Error('the engine closed the connection before it answered'));
      // Closed without an end (aborted, reset): the body closes too, and its reader comes up short.
      else if (!ended) readable.destroy();
    });
    const signal = request.signal;
    if (signal) {
      const abort = (): void => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      socket.once('close', () => signal.removeEventListener('abort', abort));
    }
  });
}

/** The engine (or a proxy) framed its answer in chunks all the same: ask the ordinary way. */
export class ChunkedAnswer extends Error {
  constructor() {
    super('the engine answered an HTTP/1.0 request in chunks');
    this.name = 'ChunkedAnswer';
  }
}
