// dockerode for the rare, long calls (builds, pulls, imports), sending every byte through
// the agent of Remora's own client: the same connection, trust and ssh multiplexing as every
// other request, never docker-modem's own ssh2, TLS or environment. Loaded on first use:
// importing it costs ~70 ms that no command on the hot path (exec, ps) should pay.
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { RemoraError } from '../core/errors.js';
import { requestAddress } from './endpoint-agent.js';
import { EngineHttpError, type EngineHttpClient } from './http-client.js';

/** The calls Remora makes through dockerode, each answering a JSON-lines progress stream. */
export interface DockerodeCalls {
  build(
    context: Readable,
    options: { tag: string; buildArgs?: Record<string, string>; labels?: Record<string, string>; target?: string },
  ): Promise<Readable>;
  pull(ref: string): Promise<Readable>;
  /** `labels` go on the image as LABEL changes (docker import --change). */
  import(rootfsTar: Readable, ref: string, labels?: Record<string, string>): Promise<Readable>;
}

export async function dockerodeOver(client: EngineHttpClient): Promise<DockerodeCalls> {
  const { default: DockerodeClass } = await import('dockerode');
  const { host, port } = requestAddress(client.endpoint);
  // docker-modem fills its defaults from DOCKER_HOST (and, only then, DOCKER_TLS_VERIFY,
  // DOCKER_CERT_PATH...) in its constructor, and throws on a malformed value or a missing
  // certificate file: the endpoint was chosen already, by Remora's rules, so the modem is
  // made without it. Synchronous, so nothing else can see the variable missing.
  const docker = withoutDockerHost(
    () =>
      new DockerodeClass({
        // Plain http: TLS, if the endpoint has it, is done by the agent's connections.
        protocol: 'http',
        host,
        port,
        agent: client.agent,
      } as Dockerode.DockerOptions),
  );
  const call = async (what: string, send: () => Promise<NodeJS.ReadableStream>): Promise<Readable> => {
    try {
      return (await send()) as Readable;
    } catch (error) {
      throw modemFailure(error, what, client);
    }
  };
  return {
    build: (context, options) =>
      call('/build', () =>
        docker.buildImage(
          context,
          definedOnly({
            t: options.tag,
            buildargs: options.buildArgs,
            labels: options.labels,
            target: options.target,
            rm: true,
            forcerm: true,
          }),
        ),
      ),
    pull: (ref) => call('/images/create', () => docker.pull(ref)),
    // The whole reference in `repo`: Docker reads its tag, and Podman ignores a separate `tag`.
    import: (rootfsTar, ref, labels = {}) => {
      const changes = Object.entries(labels).map(([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`);
      return call('/images/create', () => docker.importImage(rootfsTar, changes.length ? { repo: ref, changes } : { repo: ref }));
    },
  };
}

/** docker-modem would send an unset option as an empty parameter (`target=`). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function withoutDockerHost<T>(make: () => T): T {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return make();
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}

/**
 * docker-modem's errors in the shapes the rest of engine/ translates: an HTTP status as an
 * EngineHttpError with the engine's own message, a failed connection as the client words it.
 */
function modemFailure(error: unknown, path: string, client: EngineHttpClient): Error {
  if (error instanceof RemoraError) return error;
  const modem = error as { statusCode?: unknown; json?: { message?: unknown } | null; message?: unknown };
  if (typeof modem.statusCode === 'number') {
    // "(HTTP code 500) server error - <the engine's message> " when the body was streamed.
    const text =
      typeof modem.json?.message === 'string' ? modem.json.message : String(modem.message).replace(/^\(HTTP code \d+\) [^-]*- /, '');
    return new EngineHttpError(modem.statusCode, text.trim(), path);
  }
  return client.explainConnectFailure(error as NodeJS.ErrnoException);
}
