// What a TLS connection to the engine trusts and presents.
//
// bin/remora moves NODE_EXTRA_CA_CERTS aside before node starts: Node 20 parses that whole
// file while it boots (~80 ms on a machine that points it at the system bundle), and most
// commands only ever talk to a unix socket. This module puts the variable back for the
// processes remora starts, and adds its certificates to the one kind of connection Node
// would have added them to: TLS trusting the default roots (no CA file of its own).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type tls from 'node:tls';
import type { Endpoint } from './endpoint.js';

export const DEFERRED_EXTRA_CA_ENV = 'REMORA_DEFERRED_EXTRA_CA_CERTS';

let deferredExtraCaFile: string | undefined;

/** Called once at start-up: NODE_EXTRA_CA_CERTS is as the user set it again. */
export function restoreDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[DEFERRED_EXTRA_CA_ENV];
  if (file === undefined) return;
  delete env[DEFERRED_EXTRA_CA_ENV];
  env.NODE_EXTRA_CA_CERTS = file;
  deferredExtraCaFile = file;
}

export interface TlsOptions {
  ca?: Buffer | string[];
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

export function tlsOptions(settings: NonNullable<Endpoint['tls']>): TlsOptions {
  const options: TlsOptions = { rejectUnauthorized: settings.verify };
  if (settings.caPath) options.ca = readFileSync(settings.caPath);
  else {
    const roots = defaultRootsWithDeferredExtras();
    if (roots) options.ca = roots;
  }
  if (settings.certPath) options.cert = readFileSync(settings.certPath);
  if (settings.keyPath) options.key = readFileSync(settings.keyPath);
  return options;
}

/** Node's own roots plus the deferred extra ones, or undefined to keep Node's defaults. */
function defaultRootsWithDeferredExtras(): string[] | undefined {
  if (deferredExtraCaFile === undefined) return undefined;
  let extra: string;
  try {
    extra = readFileSync(deferredExtraCaFile, 'utf8');
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS and goes on.
    return undefined;
  }
  const { rootCertificates } = createRequire(import.meta.url)('node:tls') as typeof tls;
  return [...rootCertificates, extra];
}
