// What a TLS connection to the engine trusts and presents.
//
// bin/remora moves NODE_EXTRA_CA_CERTS aside before node starts: Node 20 parses that whole
// file while it boots (~80 ms on a machine that points it at the system bundle), and most
// commands only ever talk to a unix socket. This module puts the variable back for the
// processes remora starts, and adds its certificates to the one kind of connection Node
// would have added them to: TLS trusting the default roots (no CA file of its own). Both read
// the environment they are given; nothing is kept in the module.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type tls from 'node:tls';
import type { Endpoint } from './endpoint.js';

export const DEFERRED_EXTRA_CA_ENV = 'REMORA_DEFERRED_EXTRA_CA_CERTS';

/** Called once at start-up: NODE_EXTRA_CA_CERTS is as the user set it again. */
export function restoreDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[DEFERRED_EXTRA_CA_ENV];
  if (file === undefined) return;
  delete env[DEFERRED_EXTRA_CA_ENV];
  env.NODE_EXTRA_CA_CERTS = file;
}

export interface TlsOptions {
  ca?: Buffer | string[];
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

/**
 * `env` names the extra CA file (NODE_EXTRA_CA_CERTS, put back at start-up). Naming it
 * again when Node did load it at boot is harmless: the list then holds what Node trusts.
 */
export function tlsOptions(settings: NonNullable<Endpoint['tls']>, env: NodeJS.ProcessEnv = process.env): TlsOptions {
  const options: TlsOptions = { rejectUnauthorized: settings.verify };
  if (settings.caPath) options.ca = readFileSync(settings.caPath);
  else {
    const roots = defaultRootsWithExtras(env.NODE_EXTRA_CA_CERTS);
    if (roots) options.ca = roots;
  }
  if (settings.certPath) options.cert = readFileSync(settings.certPath);
  if (settings.keyPath) options.key = readFileSync(settings.keyPath);
  return options;
}

/** Node's own roots plus the extra ones, or undefined (no extra file) to keep Node's defaults. */
function defaultRootsWithExtras(extraCaFile: string | undefined): string[] | undefined {
  if (!extraCaFile) return undefined;
  let extra: string;
  try {
    extra = readFileSync(extraCaFile, 'utf8');
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS and goes on.
    return undefined;
  }
  const { rootCertificates } = createRequire(import.meta.url)('node:tls') as typeof tls;
  return [...rootCertificates, extra];
}
