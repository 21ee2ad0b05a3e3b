// `docker remora`: the same executable as a Docker CLI plugin (~/.docker/cli-plugins/
// docker-remora). docker asks a plugin for `docker-cli-plugin-metadata`, then runs it with
// its own argv: docker's global options, the plugin's name, then the plugin's arguments
// (`docker --context prod remora exec app -- id` runs `docker-remora --context prod remora
// exec app -- id`). Those global options are read here and given to remora as its own.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REMORA_VERSION } from '../core/version.js';

export const PLUGIN_NAME = 'remora';
export const METADATA_SUBCOMMAND = 'docker-cli-plugin-metadata';

/** What docker reads from `docker-remora docker-cli-plugin-metadata` (docker/cli's metadata.Metadata). */
export interface PluginMetadata {
  SchemaVersion: '0.1.0';
  Vendor: string;
  Version: string;
  ShortDescription: string;
  URL?: string;
}

export function pluginMetadata(url: string | undefined = projectUrl()): PluginMetadata {
  return {
    SchemaVersion: '0.1.0',
    Vendor: 'Remora',
    Version: REMORA_VERSION,
    ShortDescription: 'Debug shell-less containers: processes, files, strace, sockets, a shell',
    ...(url ? { URL: url } : {}),
  };
}

/** The package's homepage (or repository), read only when docker asks for the metadata. */
function projectUrl(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; homepage?: string; repository?: string | { url?: string } };
        if (pkg.name === 'remora') return pkg.homepage ?? (typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url);
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** docker's global options (docker/cli cli/flags/options.go) and what each becomes here. */
const DOCKER_GLOBALS: Record<string, { value: boolean; as: 'context' | 'host' | 'config' | 'debug' | 'ignore' | 'pass' }> = {
  '-c': { value: true, as: 'context' },
  '--context': { value: true, as: 'context' },
  '-H': { value: true, as: 'host' },
  '--host': { value: true, as: 'host' },
  '--config': { value: true, as: 'config' },
  '-D': { value: false, as: 'debug' },
  '--debug': { value: false, as: 'debug' },
  '-l': { value: true, as: 'ignore' },
  '--log-level': { value: true, as: 'ignore' },
  // docker's TLS options reach remora as they are: remora reads them as docker does, or
  // refuses them by name; never silently drops what secures the connection.
  '--tls': { value: false, as: 'pass' },
  '--tlsverify': { value: false, as: 'pass' },
  '--tlscacert': { value: true, as: 'pass' },
  '--tlscert': { value: true, as: 'pass' },
  '--tlskey': { value: true, as: 'pass' },
};

export interface PluginCall {
  /** remora's arguments: the engine options docker was given, then the plugin's own. */
  args: string[];
  /** `--config DIR` given to docker: where its config.json (and contexts) are. */
  dockerConfig?: string;
}

/**
 * Reads a plugin call: docker's global options up to the word `remora`. Anything else
 * (a remora command line, or an option docker does not have) is not a plugin call.
 */
export function readPluginCall(args: string[]): PluginCall | undefined {
  const engine: string[] = [];
  let dockerConfig: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === PLUGIN_NAME) return { args: [...engine, ...args.slice(i + 1)], dockerConfig };
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    let name = equals === -1 ? arg : arg.slice(0, equals);
    let value: string | undefined = equals === -1 ? undefined : arg.slice(equals + 1);
    // -cNAME, -Htcp://... as pflag reads them.
    if (!(name in DOCKER_GLOBALS) && /^-[cHl]./.test(arg)) {
      name = arg.slice(0, 2);
      value = arg.slice(2);
    }
    const option = DOCKER_GLOBALS[name];
    if (!option) return undefined;
    if (option.value && value === undefined) {
      value = args[++i];
      if (value === undefined) return undefined;
    }
    switch (option.as) {
      case 'context':
        engine.push('--context', value as string);
        break;
      case 'host':
        engine.push('--host', value as string);
        break;
      case 'config':
        dockerConfig = value;
        break;
      case 'debug':
        if (value !== 'false') engine.push('--debug');
        break;
      case 'pass':
        engine.push(value === undefined ? name : `${name}=${value}`);
        break;
      case 'ignore':
        break;
    }
  }
  return undefined;
}
