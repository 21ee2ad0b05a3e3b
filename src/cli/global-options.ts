// Options every command shares, as commander hands them over, and their defaults.

export interface GlobalOptions {
  context?: string;
  host?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  debug?: boolean;
  profile: string;
  toolkitImage?: string;
  idle: string;
  toolkitMemory?: string;
  toolkitPids?: string;
  rm?: boolean;
  ipc?: boolean;
  quiet?: boolean;
  /** Stand-ins mount the original's volumes writable (read-only by default). */
  rwVolumes?: boolean;
}

export const DEFAULT_IDLE = '10m';

// The one duration syntax, shared with the engine's timeout (REMORA_ENGINE_TIMEOUT).
export { parseDuration } from '../core/duration.js';
