// Remora's one connection factory: an http.Agent that dials its endpoint itself (the unix
// socket, TCP, TLS with the endpoint's trust, or ssh's dial-stdio stream), whatever address
// a request names. Remora's own client and dockerode (builds, pulls, imports) both send
// through it, so every byte for an endpoint takes the same way to the same engine.
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { RemoraError } from '../core/errors.js';
import type { Endpoint } from './endpoint.js';
import type { DialInto } from './large-answer.js';
import { sshAgent } from './ssh-transport.js';
import { tlsOptions, type TlsOptions } from './tls-trust.js';

/** Host and port a request names: only the Host header reads them, the agent dials. */
export interface RequestAddress {
  host: string;
  port: number;
}

/**
 * The agent for an endpoint. `keepAlive: false` gives one connection per request, for a
 * request whose connection is hijacked (exec, attach) and must not be a stale pooled one.
 * ssh connections are always pooled: each is a process, and a hijacked one leaves the pool.
 */
export function endpointAgent(endpoint: Endpoint, options: { keepAlive: boolean }): http.Agent {
  if (endpoint.kind === 'ssh') return sshAgent(endpoint);
  return new EndpointAgent(dialer(endpoint), options.keepAlive);
}

export function requestAddress(endpoint: Endpoint): RequestAddress {
  // tcp: the engine's own name, as the docker CLI sends it (a proxy in front may route by
  // it). A socket or ssh has no name of its own.
  if (endpoint.kind === 'tcp') return { host: endpoint.host ?? '', port: endpoint.port ?? 80 };
  return { host: 'localhost', port: 80 };
}

type Dial = () => Duplex;

/**
 * The endpoint's connection where it is a plain socket (unix, or TCP without TLS), whose
 * reads can go into given buffers (engine/large-answer.ts). Undefined for TLS and ssh,
 * whose bytes pass through a decoder first.
 */
export function dialInto(endpoint: Endpoint): DialInto | undefined {
  if (endpoint.kind === 'unix') {
    const path = endpoint.socketPath ?? '';
    return (onread) => net.createConnection({ path, onread });
  }
  if (endpoint.kind === 'tcp' && endpoint.tls === undefined) {
    const host = endpoint.host ?? '';
    const port = endpoint.port ?? 0;
    // No Nagle: a request's small writes go out at once, as with Node's own agent.
    return (onread) => net.createConnection({ host, port, onread }).setNoDelay(true);
  }
  return undefined;
}

function dialer(endpoint: Endpoint): Dial {
  const plain = dialInto(endpoint);
  if (plain !== undefined) return () => plain();
  if (endpoint.kind === 'tcp' && endpoint.tls !== undefined) {
    const host = endpoint.host ?? '';
    const port = endpoint.port ?? 0;
    // Read once, here: the files are the endpoint's, for every connection it makes.
    const trust: TlsOptions = tlsOptions(endpoint.tls);
    // SNI carries names only; the certificate is still checked against an address.
    const isAddress = /^[\d.]+$/.test(host) || host.includes(':');
    const connect = loadTls().connect;
    return () => connect({ host, port, servername: isAddress ? '' : host, ...trust }).setNoDelay(true);
  }
  throw new RemoraError('USAGE', `engine address ${endpoint.address} is not supported on this platform`);
}

class EndpointAgent extends http.Agent {
  constructor(
    private readonly dial: Dial,
    keepAlive: boolean,
  ) {
    // `servername: ''` stops Node's agent from working one out per request: its first IPv6
    // check compiles a regex that costs ~20 ms of every command's start. TLS sets its own.
    super({ keepAlive, servername: '' } as http.AgentOptions);
  }

  override createConnection(): Duplex {
    return this.dial();
  }
}

/** node:tls loads in ~17 ms: only TLS endpoints pay for it. */
function loadTls(): typeof tls {
  return createRequire(import.meta.url)('node:tls') as typeof tls;
}
