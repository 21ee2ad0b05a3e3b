// A small Docker Engine API client over node:http, for the calls on every command's
// start-up path (list, inspect, exec). Importing dockerode costs ~250 ms of module
// evaluation (ssh2, grpc, protobuf); these calls need none of it. Its agent, from
// endpoint-agent.ts, is the endpoint's one transport: dockerode sends through it too.
import http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Endpoint } from './endpoint.js';
import type { EngineProduct, ReusableChunks } from './types.js';
import { dialInto, endpointAgent, requestAddress } from './endpoint-agent.js';
import { ChunkedAnswer, requestLargeAnswer, type DialInto } from './large-answer.js';
import { tlsFailure } from './tls-errors.js';
import { RemoraError } from '../core/errors.js';
import { encodeTargetText, hasEscapedBytes } from '../core/target-text.js';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Streamed as the body (a tar for build and import), with this content type. */
  upload?: { stream: Readable; contentType: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called once the request is written out (its answer may come much later: a wait). */
  onSent?: () => void;
}

/** What error handling reads of an answer: Node's IncomingMessage, or large-answer.ts's head. */
type AnswerHead = Pick<http.IncomingMessage, 'statusCode' | 'statusMessage' | 'headers'>;

export interface UpgradedConnection {
  socket: Duplex;
  /** Bytes the server sent along with the 101 response. */
  head: Buffer;
}

/** An HTTP error answered by the engine, with its message. Translated by callers. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'EngineHttpError';
  }
}

export interface ClientOptions {
  /**
   * How long the first request may wait for the engine's answer once connected: an
   * endpoint that accepts and never answers fails instead of hanging. Later requests and
   * streams have no deadline (a quiet log or exec is not a dead engine).
   */
  firstAnswerTimeoutMs?: number;
}

export const DEFAULT_FIRST_ANSWER_TIMEOUT_MS = 10_000;

export class EngineHttpClient {
  /** Pooled connections to the endpoint, shared with dockerode (docker-engine.ts). */
  readonly agent: http.Agent;
  /** One connection per hijacked request (exec, attach), made on first use. */
  private hijackAgent: http.Agent | undefined;
  /** How largeStream connects; null where the transport cannot read into given buffers. */
  private dialLarge: DialInto | null | undefined;
  private readonly baseOptions: http.RequestOptions;
  private readonly firstAnswerTimeoutMs: number;
  private answered = false;
  /** Set once an answer carried the engine API's header: from then on errors are the engine's. */
  private engineSeen = false;
  /** The product an answer's headers named (Podman's Libpod headers, dockerd's Server), if any. */
  productSeen: EngineProduct | undefined;

  constructor(
    readonly endpoint: Endpoint,
    options: ClientOptions = {},
  ) {
    this.baseOptions = requestAddress(endpoint);
    this.firstAnswerTimeoutMs = options.firstAnswerTimeoutMs ?? DEFAULT_FIRST_ANSWER_TIMEOUT_MS;
    this.agent = endpointAgent(endpoint, { keepAlive: true });
  }

  /** Sends a request and returns the response stream once headers arrive; rejects on HTTP errors. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
    const response = await this.send(method, path, options);
    if (response.statusCode !== undefined && response.statusCode >= 400) {
      const text = await readAll(response);
      throw this.httpFailure(response, text, method, path);
    }
    return response;
  }

  /**
   * A GET whose answer is large (a file's archive), on a connection of its own read into
   * large buffers (large-answer.ts); the ordinary way where the transport cannot (TLS, ssh),
   * or where the answer comes in chunks all the same. The body ends where the engine closed
   * the connection: its reader must know where it ends by itself.
   */
  async largeStream(path: string, options: Pick<RequestOptions, 'query' | 'signal'> = {}): Promise<Readable & Partial<ReusableChunks>> {
    this.dialLarge ??= dialInto(this.endpoint) ?? null;
    if (this.dialLarge === null) return this.stream('GET', path, options);
    const query = encodeQuery(options.query);
    const target = query ? `${path}?${query}` : path;
    const host = this.baseOptions.port === 80 ? String(this.baseOptions.host) : `${this.baseOptions.host}:${this.baseOptions.port}`;
    let answer;
    try {
      answer = await requestLargeAnswer(this.dialLarge, { method: 'GET', target, host, signal: options.signal });
    } catch (error) {
      if (error instanceof ChunkedAnswer) return this.stream('GET', path, options);
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.explainConnectFailure(error as NodeJS.ErrnoException);
    }
    const { head, body } = answer;
    if (head.headers['api-version'] !== undefined) this.engineSeen = true;
    if (head.statusCode >= 400) throw this.httpFailure(head, await readAll(body), 'GET', path);
    return body;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.stream(method, path, options);
    const text = await readAll(response);
    try {
      return (text.length === 0 ? undefined : JSON.parse(text)) as T;
    } catch (error) {
      if (!this.engineSeen && !fromAnEngine(response, text)) throw this.notAnEngine(response, method, path);
      throw new RemoraError('ENGINE_ERROR', `the engine at ${this.endpoint.address} sent an answer that is not JSON to ${method} ${path}`, {
        cause: error,
      });
    }
  }

  /** Sends a request and drains the answer, for calls whose body says nothing. */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<number> {
    const response = await this.stream(method, path, options);
    await readAll(response);
    return response.statusCode ?? 0;
  }

  /** POST that upgrades the connection to a raw stream (exec start, attach). */
  upgrade(path: string, body: unknown): Promise<UpgradedConnection> {
    return new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const request = http.request({
        ...this.baseOptions,
        // A fresh connection: a pooled one the engine has just closed would fail the
        // stream, and an upgrade cannot be sent again.
        agent: this.endpoint.kind === 'ssh' ? this.agent : (this.hijackAgent ??= endpointAgent(this.endpoint, { keepAlive: false })),
        method: 'POST',
        path,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          Connection: 'Upgrade',
          Upgrade: 'tcp',
        },
      });
      this.awaitFirstAnswer(request);
      request.on('upgrade', (_response, socket, head) => resolve({ socket, head }));
      request.on('response', (response) => {
        const status = response.statusCode ?? 500;
        void readAll(response).then((text) =>
          reject(
            status >= 400
              ? this.httpFailure(response, text, 'POST', path)
              : new EngineHttpError(status, 'the engine did not upgrade the connection for a raw stream', path),
          ),
        );
      });
      request.on('error', (error) => reject(this.explainConnectFailure(error)));
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.hijackAgent?.destroy();
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    try {
      return await this.sendOnce(method, path, options);
    } catch (error) {
      // A keep-alive socket the engine closed in the meantime fails at once with ECONNRESET;
      // the request never reached the engine, so sending it again is safe (Node's advice).
      // An upload cannot be read twice.
      if ((error as { retryable?: boolean }).retryable && options.upload === undefined) return this.sendOnce(method, path, options);
      throw error;
    }
  }

  private sendOnce(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const query = encodeQuery(options.query);
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string | number> = { ...options.headers };
      if (payload !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(payload);
      }
      if (options.upload !== undefined) headers['Content-Type'] = options.upload.contentType;
      const request = http.request({
        ...this.baseOptions,
        agent: this.agent,
        method,
        path: query ? `${path}?${query}` : path,
        headers,
        signal: options.signal,
      });
      this.awaitFirstAnswer(request);
      request.on('response', (response) => {
        if (response.headers['api-version'] !== undefined) this.engineSeen = true;
        this.productSeen ??= productNamedBy(response.headers);
        resolve(response);
      });
      if (options.onSent) request.once('finish', options.onSent);
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (request.reusedSocket && error.code === 'ECONNRESET') return reject(Object.assign(error, { retryable: true }));
        reject(this.explainConnectFailure(error));
      });
      if (options.upload === undefined) {
        request.end(payload);
        return;
      }
      const upload = options.upload.stream;
      upload.once('error', (error) => request.destroy(error));
      upload.pipe(request);
    });
  }

  /**
   * Until the engine has answered once, a request that gets no answer in time fails. The
   * clock starts when the connection is made; over ssh, the login's own allowance is added.
   */
  private awaitFirstAnswer(request: http.ClientRequest): void {
    if (this.answered) return;
    let timer: NodeJS.Timeout | undefined;
    const answered = (): void => {
      this.answered = true;
      clearTimeout(timer);
    };
    request.once('response', answered);
    request.once('upgrade', answered);
    request.once('close', () => clearTimeout(timer));
    const start = (allowanceMs = 0): void => {
      timer = setTimeout(() => request.destroy(this.noAnswer()), this.firstAnswerTimeoutMs + allowanceMs);
      timer.unref();
    };
    request.once('socket', (socket) => {
      const connection = socket as Duplex & { connecting?: boolean; loginAllowanceMs?: number | null };
      if (connection.loginAllowanceMs !== undefined) {
        // ssh: the login comes first, and only ssh knows when it is over.
        if (connection.loginAllowanceMs !== null) start(connection.loginAllowanceMs);
      } else if (connection.connecting === true) connection.once('connect', () => start());
      else start();
    });
  }

  private noAnswer(): RemoraError {
    const seconds = Math.round(this.firstAnswerTimeoutMs / 100) / 10;
    return new RemoraError(
      'ENGINE_UNREACHABLE',
      `the container engine at ${this.endpoint.address} accepted the connection but did not answer within ${seconds} s (from ${this.endpoint.source})`,
      {
        hint: 'check that this address is a Docker or Podman API; for a slow engine raise REMORA_ENGINE_TIMEOUT (e.g. 30s)',
      },
    );
  }

  /** An HTTP error status: the engine's own refusal, or something else answering at the address. */
  private httpFailure(response: AnswerHead, text: string, method: string, path: string): Error {
    const status = response.statusCode ?? 500;
    if (status === 400 && /client sent an HTTP request to an HTTPS server/i.test(text)) {
      return new RemoraError(
        'ENGINE_UNREACHABLE',
        `the engine at ${this.endpoint.address} expects TLS, and remora spoke plain HTTP (from ${this.endpoint.source})`,
        {
          hint: "pass --tlsverify with the engine's CA and your client certificate (--tlscacert, --tlscert, --tlskey, or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)",
        },
      );
    }
    if (!this.engineSeen && !fromAnEngine(response, text)) return this.notAnEngine(response, method, path);
    return new EngineHttpError(status, engineMessage(text), path);
  }

  private notAnEngine(response: AnswerHead, method: string, path: string): RemoraError {
    const status = `HTTP ${response.statusCode ?? '?'}${response.statusMessage ? ` (${response.statusMessage})` : ''}`;
    return new RemoraError(
      'ENGINE_UNREACHABLE',
      `${this.endpoint.address} is not a container engine: it answered ${status} to ${method} ${path} (from ${this.endpoint.source})`,
      {
        hint: 'point --host/DOCKER_HOST/--context at a Docker or Podman API',
      },
    );
  }

  /**
   * A failure to reach the engine, in one line with where the address came from; any other
   * error is returned as it is. Public for requests dockerode sends over this agent.
   */
  explainConnectFailure(error: NodeJS.ErrnoException): Error {
    // Already explained where it happened (ssh's words, the first-answer deadline).
    if (error instanceof RemoraError) return error;
    const tls = tlsFailure(error, this.endpoint);
    if (tls !== undefined) return tls;
    const code = error.code ?? '';
    if (
      ['ECONNREFUSED', 'ENOENT', 'EACCES', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'].includes(code) ||
      error.name === 'AbortError'
    ) {
      const why =
        code === 'EACCES'
          ? 'permission denied'
          : code === 'ENOENT'
            ? 'no such socket'
            : error.name === 'AbortError'
              ? 'timed out'
              : code.toLowerCase();
      return new RemoraError(
        'ENGINE_UNREACHABLE',
        `cannot reach the container engine at ${this.endpoint.address} (${why}; from ${this.endpoint.source})`,
        {
          hint:
            code === 'EACCES'
              ? 'run as root or join the docker group, or point --host/DOCKER_HOST at an engine you can use'
              : 'start the engine (dockerd, Docker Desktop, podman system service), or point --context/--host/DOCKER_HOST at a running one',
          cause: error,
        },
      );
    }
    return error;
  }
}

function encodeQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeQueryValue(String(value))}`);
  }
  return parts.join('&');
}

/**
 * A query value as the bytes it stands for: a path that is not UTF-8 (`caf\xe9.txt`, kept
 * as in core/target-text.ts) is sent as `caf%E9.txt`, which the engine decodes to those
 * bytes; encodeURIComponent would throw on it.
 */
function encodeQueryValue(value: string): string {
  if (!hasEscapedBytes(value)) return encodeURIComponent(value);
  let out = '';
  for (const byte of encodeTargetText(value)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A whole response body as text. Plain events rather than `for await`: Node's stream async
 * iterator costs a few ms of every command's first request to set up, for nothing here.
 */
export async function readAll(stream: Readable): Promise<string> {
  return (await readAllBytes(stream)).toString('utf8');
}

export function readAllBytes(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    // A body cut short ends in 'close' without 'end': say so rather than wait forever.
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new Error('the engine closed the connection before the response ended'));
    });
  });
}

/**
 * Docker and Podman put Api-Version on every answer of their API, and answer errors as
 * JSON with a message; a web server or proxy at the address does neither.
 */
function fromAnEngine(response: AnswerHead, text: string): boolean {
  if (response.headers['api-version'] !== undefined) return true;
  try {
    const parsed = JSON.parse(text) as { message?: unknown } | null;
    return typeof parsed?.message === 'string';
  } catch {
    return false;
  }
}

/**
 * Which engine answered, from headers every answer carries: Podman's compatible API adds
 * `Libpod-Api-Version` and says `Server: Libpod/4.3.1 (linux)`; dockerd says
 * `Server: Docker/20.10.24 (linux)`. Undefined when neither (a proxy that rewrites them).
 */
export function productNamedBy(headers: http.IncomingHttpHeaders): EngineProduct | undefined {
  const server = String(headers.server ?? '');
  if (headers['libpod-api-version'] !== undefined || /^libpod\//i.test(server)) return 'Podman';
  if (/^docker\//i.test(server)) return 'Docker';
  return undefined;
}

function engineMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (parsed.message) return parsed.message.trim();
  } catch {
    // Not JSON: some proxies answer in plain text.
  }
  return text.trim() || 'no message';
}
