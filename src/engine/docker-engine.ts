// The Engine implementation for Docker-API engines (dockerd, Podman's compatible API).
// Everything goes over the light HTTP client except what dockerode does well and is rare
// (builds, pulls, imports), for which it is imported lazily.
import { PassThrough, type Readable } from 'node:stream';
import type DockerodeType from 'dockerode';
import { RemoraError } from '../core/errors.js';
import { demultiplex } from './demux.js';
import type { Endpoint } from './endpoint.js';
import { EngineHttpClient, EngineHttpError, readAll } from './http-client.js';
import { tlsOptions } from './tls-trust.js';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  Engine,
  EngineVersion,
  ExecHandle,
  ExecOptions,
  ImageConfig,
  ImageDetails,
  PathStat,
  ProgressHandler,
  StdinHold,
} from './types.js';

interface RawSummary {
  Id: string;
  Names?: string[];
  Image: string;
  State: string;
  Status: string;
  Labels?: Record<string, string> | null;
  Created: number;
}

interface RawDetails {
  Id: string;
  Name: string;
  Image: string;
  RestartCount?: number;
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; ExitCode: number; StartedAt: string; FinishedAt: string; Pid: number };
  Config: { Image: string; Labels?: Record<string, string> | null } & RawConfig;
  HostConfig: { PidMode?: string; NetworkMode?: string; ReadonlyRootfs?: boolean; Tmpfs?: Record<string, string> | null };
  Mounts?: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
}

interface RawConfig {
  User?: string;
  Env?: string[] | null;
  Entrypoint?: string[] | string | null;
  Cmd?: string[] | string | null;
  WorkingDir?: string;
}

function toImageConfig(raw: RawConfig | undefined): ImageConfig {
  const list = (value: string[] | string | null | undefined): string[] => (value == null ? [] : typeof value === 'string' ? [value] : value);
  return { entrypoint: list(raw?.Entrypoint), cmd: list(raw?.Cmd), env: raw?.Env ?? [], user: raw?.User ?? '', workingDir: raw?.WorkingDir ?? '' };
}

export class DockerEngine implements Engine {
  private readonly http: EngineHttpClient;
  private dockerode: Promise<DockerodeType> | undefined;

  constructor(readonly endpoint: Endpoint) {
    this.http = new EngineHttpClient(endpoint);
  }

  get address(): string {
    return this.endpoint.address;
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    const raw = await this.guard(() => this.http.json<{ Version: string; ApiVersion: string; Os: string; Arch: string }>('GET', '/version', { signal }));
    return { version: raw.Version, apiVersion: raw.ApiVersion, os: raw.Os, arch: raw.Arch };
  }

  async listContainers(options: { all?: boolean; labels?: string[] } = {}): Promise<ContainerSummary[]> {
    const filters = options.labels?.length ? JSON.stringify({ label: options.labels }) : undefined;
    const raw = await this.guard(() => this.http.json<RawSummary[]>('GET', '/containers/json', { query: { all: options.all ? 1 : 0, filters } }));
    return raw.map((item) => ({
      id: item.Id,
      name: (item.Names?.[0] ?? item.Id.slice(0, 12)).replace(/^\//, ''),
      image: item.Image,
      state: item.State as ContainerState,
      status: item.Status,
      labels: item.Labels ?? {},
      created: item.Created,
    }));
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails> {
    const raw = await this.guard(() => this.http.json<RawDetails>('GET', `/containers/${encodeURIComponent(idOrName)}/json`), idOrName);
    return {
      id: raw.Id,
      name: raw.Name.replace(/^\//, ''),
      image: raw.Config.Image,
      imageId: raw.Image,
      state: {
        status: raw.State.Status as ContainerState,
        running: raw.State.Running,
        paused: raw.State.Paused,
        restarting: raw.State.Restarting,
        exitCode: raw.State.ExitCode,
        startedAt: raw.State.StartedAt,
        finishedAt: raw.State.FinishedAt,
        pid: raw.State.Pid,
      },
      user: raw.Config.User ?? '',
      labels: raw.Config.Labels ?? {},
      pidMode: raw.HostConfig.PidMode ?? '',
      readonlyRootfs: raw.HostConfig.ReadonlyRootfs ?? false,
      restartCount: raw.RestartCount ?? 0,
      mounts: (raw.Mounts ?? []).map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination, readWrite: m.RW, ...(m.Name ? { name: m.Name } : {}) })),
      tmpfs: raw.HostConfig.Tmpfs ?? {},
      config: toImageConfig(raw.Config),
      networkMode: raw.HostConfig.NetworkMode ?? '',
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const host = spec.hostConfig;
    const body = {
      Image: spec.image,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      Env: spec.env,
      Labels: spec.labels,
      User: spec.user,
      WorkingDir: spec.workingDir,
      OpenStdin: spec.openStdin ?? false,
      StdinOnce: spec.openStdin ?? false,
      AttachStdin: spec.openStdin ?? false,
      HostConfig: {
        PidMode: host.pidMode,
        NetworkMode: host.networkMode,
        IpcMode: host.ipcMode,
        CapAdd: host.capAdd,
        CapDrop: host.capDrop,
        SecurityOpt: host.securityOpt,
        Privileged: host.privileged ?? false,
        AutoRemove: host.autoRemove ?? false,
        ReadonlyRootfs: host.readonlyRootfs ?? false,
        Tmpfs: host.tmpfs,
        Mounts: host.mounts?.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      },
    };
    const created = await this.guard(() => this.http.json<{ Id: string }>('POST', '/containers/create', { query: { name: spec.name }, body }), spec.image);
    return created.Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.guard(() => this.http.call('POST', `/containers/${id}/start`), id);
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.http.call('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 } });
    } catch (error) {
      // Gone already, or auto-remove already under way: either way it will not remain.
      if (error instanceof EngineHttpError && (error.statusCode === 404 || error.statusCode === 409)) return;
      throw translateEngineError(error);
    }
  }

  async holdStdin(id: string): Promise<StdinHold> {
    const { socket } = await this.guard(() => this.http.upgrade(`/containers/${id}/attach?stream=1&stdin=1`, {}), id);
    const closed = new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.once('error', () => resolve());
    });
    // Output is not wanted; reading keeps the socket flowing so 'close' fires.
    socket.resume();
    return {
      release: () => {
        socket.end();
        socket.destroy();
      },
      closed,
    };
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecHandle> {
    const tty = options.tty ?? false;
    const created = await this.guard(
      () =>
        this.http.json<{ Id: string }>('POST', `/containers/${containerId}/exec`, {
          body: {
            Cmd: options.cmd,
            User: options.user,
            Env: options.env,
            WorkingDir: options.workingDir,
            Tty: tty,
            AttachStdin: options.stdin ?? false,
            AttachStdout: true,
            AttachStderr: true,
            ConsoleSize: options.size ? [options.size.rows, options.size.cols] : undefined,
          },
        }),
      containerId,
    );
    const execId = created.Id;
    const { socket, head } = await this.guard(() => this.http.upgrade(`/exec/${execId}/start`, { Detach: false, Tty: tty, ConsoleSize: options.size ? [options.size.rows, options.size.cols] : undefined }));

    let stdout: Readable;
    let stderr: Readable;
    let outputDone: Promise<void>;
    if (tty) {
      const raw = new PassThrough();
      if (head.length) raw.write(head);
      socket.pipe(raw);
      stdout = raw;
      stderr = new PassThrough().end();
      outputDone = new Promise((resolve) => raw.once('end', resolve).once('close', resolve));
    } else {
      const demuxed = demultiplex(socket, head);
      stdout = demuxed.stdout;
      stderr = demuxed.stderr;
      outputDone = demuxed.done;
    }
    if (!options.stdin) {
      // Nothing to send: half-close now so the engine does not wait on us.
      socket.end();
    }

    const exitCode = outputDone.then(async () => {
      const inspected = await this.guard(() => this.http.json<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${execId}/json`));
      return inspected.ExitCode ?? (inspected.Running ? -1 : 0);
    });
    exitCode.catch(() => undefined);

    return {
      stdout,
      stderr,
      stdin: options.stdin ? socket : null,
      resize: async (cols: number, rows: number) => {
        // Right after start the engine may not have the TTY yet (and API < 1.42 ignores
        // ConsoleSize), so the first resize is retried briefly, as the docker CLI does.
        for (let attempt = 0; attempt < 10; attempt++) {
          try {
            await this.http.call('POST', `/exec/${execId}/resize`, { query: { h: rows, w: cols } });
            return;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
          }
        }
      },
      exitCode,
      close: () => socket.destroy(),
    };
  }

  async statPath(containerId: string, path: string): Promise<PathStat | null> {
    try {
      const response = await this.http.stream('HEAD', `/containers/${containerId}/archive`, { query: { path } });
      await readAll(response);
      const header = response.headers['x-docker-container-path-stat'];
      if (typeof header !== 'string') return null;
      const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { name: string; size: number; mode: number; mtime: string; linkTarget: string };
      return { name: stat.name, size: stat.size, mode: stat.mode, mtime: stat.mtime, linkTarget: stat.linkTarget };
    } catch (error) {
      if (error instanceof EngineHttpError && error.statusCode === 404) return null;
      throw translateEngineError(error);
    }
  }

  async getArchive(containerId: string, path: string): Promise<Readable> {
    return this.guard(() => this.http.stream('GET', `/containers/${containerId}/archive`, { query: { path } }), path);
  }

  async putArchive(containerId: string, path: string, tar: Readable | Buffer): Promise<void> {
    const docker = await this.docker();
    const response = (await this.guard(() => docker.getContainer(containerId).putArchive(tar, { path }), containerId)) as unknown;
    // dockerode hands back the response stream: drain it, or the connection stays busy.
    if (response && typeof (response as Readable).resume === 'function') await readAll(response as Readable);
  }

  async waitContainer(id: string): Promise<number> {
    const answer = await this.guard(() => this.http.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'not-running' } }), id);
    return answer.StatusCode;
  }

  async exportContainer(id: string): Promise<Readable> {
    return this.guard(() => this.http.stream('GET', `/containers/${id}/export`), id);
  }

  async commitContainer(id: string, labels: Record<string, string>): Promise<string> {
    const changes = Object.entries(labels).map(([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`);
    const url = `/commit?container=${encodeURIComponent(id)}&pause=false${changes.map((c) => `&changes=${encodeURIComponent(c)}`).join('')}`;
    const answer = await this.guard(() => this.http.json<{ Id: string }>('POST', url), id);
    return answer.Id;
  }

  async removeImage(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.http.call('DELETE', `/images/${encodeURIComponent(id)}`, { query: { force: options.force ? 1 : 0 } });
    } catch (error) {
      if (error instanceof EngineHttpError && error.statusCode === 404) return;
      throw translateEngineError(error);
    }
  }

  async inspectImage(ref: string): Promise<ImageDetails | null> {
    try {
      const raw = await this.http.json<{ Id: string; RepoTags?: string[] | null; Architecture?: string; Os?: string; Config?: RawConfig & { Labels?: Record<string, string> | null } }>(
        'GET',
        `/images/${encodeURIComponent(ref)}/json`,
      );
      // A reference the engine cannot parse as an image can answer without a body.
      if (!raw?.Id) return null;
      return { id: raw.Id, repoTags: raw.RepoTags ?? [], config: toImageConfig(raw.Config), architecture: raw.Architecture ?? '', os: raw.Os ?? '', labels: raw.Config?.Labels ?? {} };
    } catch (error) {
      if (error instanceof EngineHttpError && (error.statusCode === 404 || error.statusCode === 400)) return null;
      throw translateEngineError(error);
    }
  }

  async containerChanges(id: string): Promise<Array<{ path: string; kind: 'changed' | 'added' | 'deleted' }>> {
    const raw = await this.guard(() => this.http.json<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${id}/changes`), id);
    const kinds = ['changed', 'added', 'deleted'] as const;
    return (raw ?? []).map((change) => ({ path: change.Path, kind: kinds[change.Kind] ?? 'changed' }));
  }

  async volumeExists(name: string): Promise<boolean> {
    try {
      await this.http.call('GET', `/volumes/${encodeURIComponent(name)}`);
      return true;
    } catch (error) {
      if (error instanceof EngineHttpError && error.statusCode === 404) return false;
      throw translateEngineError(error);
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    return (await this.imageLabels(ref)) !== null;
  }

  async imageLabels(ref: string): Promise<Record<string, string> | null> {
    try {
      const image = await this.http.json<{ Config?: { Labels?: Record<string, string> | null } }>('GET', `/images/${encodeURIComponent(ref)}/json`);
      return image.Config?.Labels ?? {};
    } catch (error) {
      if (error instanceof EngineHttpError && error.statusCode === 404) return null;
      throw translateEngineError(error);
    }
  }

  async removeUntaggedImages(label: string): Promise<void> {
    const filters = JSON.stringify({ dangling: ['true'], label: [label] });
    const images = await this.guard(() => this.http.json<Array<{ Id: string }>>('GET', '/images/json', { query: { filters } }));
    for (const image of images) {
      // One in use by a container (a session started before the rebuild) stays.
      await this.http.call('DELETE', `/images/${encodeURIComponent(image.Id)}`).catch(() => undefined);
    }
  }

  async buildImage(context: Readable, options: { tag: string; buildArgs?: Record<string, string>; labels?: Record<string, string>; target?: string }, onProgress?: ProgressHandler): Promise<void> {
    const docker = await this.docker();
    const stream = (await this.guard(() => docker.buildImage(context, { t: options.tag, buildargs: options.buildArgs, labels: options.labels, target: options.target, rm: true, forcerm: true }))) as unknown as Readable;
    await this.followProgress(docker, stream, onProgress);
  }

  async pullImage(ref: string, onProgress?: ProgressHandler): Promise<void> {
    const docker = await this.docker();
    const stream = (await this.guard(() => docker.pull(ref))) as Readable;
    await this.followProgress(docker, stream, onProgress);
  }

  async importImage(rootfsTar: Readable, ref: string): Promise<void> {
    const docker = await this.docker();
    const [repo, tag] = splitRef(ref);
    const stream = (await this.guard(() => docker.importImage(rootfsTar, { repo, tag }))) as Readable;
    await this.followProgress(docker, stream);
  }

  async logs(containerId: string, options: { follow: boolean; tail?: number; since?: number; timestamps?: boolean }): Promise<{ stdout: Readable; stderr: Readable; close(): void }> {
    // A TTY container's log is one raw stream; any other is multiplexed. Asked side by side.
    const [response, isTty] = await Promise.all([
      this.guard(
        () =>
          this.http.stream('GET', `/containers/${containerId}/logs`, {
            query: { stdout: 1, stderr: 1, follow: options.follow ? 1 : 0, tail: options.tail ?? 'all', since: options.since, timestamps: options.timestamps ? 1 : 0 },
          }),
        containerId,
      ),
      this.containerHasTty(containerId).catch(() => false),
    ]);
    if (isTty) return { stdout: response, stderr: new PassThrough().end(), close: () => response.destroy() };
    const demuxed = demultiplex(response);
    return { stdout: demuxed.stdout, stderr: demuxed.stderr, close: () => response.destroy() };
  }

  async events(filters: Record<string, string[]>): Promise<{ stream: Readable; close(): void }> {
    const response = await this.guard(() => this.http.stream('GET', '/events', { query: { filters: JSON.stringify(filters) } }));
    return { stream: response, close: () => response.destroy() };
  }

  /** Ends keep-alive connections so the process can exit promptly. */
  dispose(): void {
    this.http.close();
  }

  private async containerHasTty(containerId: string): Promise<boolean> {
    const raw = await this.http.json<{ Config: { Tty?: boolean } }>('GET', `/containers/${containerId}/json`);
    return raw.Config.Tty ?? false;
  }

  private docker(): Promise<DockerodeType> {
    this.dockerode ??= import('dockerode').then(({ default: Dockerode }) => new Dockerode(dockerodeOptions(this.endpoint)));
    return this.dockerode;
  }

  private followProgress(docker: DockerodeType, stream: Readable, onProgress?: ProgressHandler): Promise<void> {
    return new Promise((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (error) return reject(translateEngineError(error));
          // followProgress reports success even when an event carries an error.
          const failed = events.find((event) => event.error || event.errorDetail);
          if (failed) return reject(new RemoraError('OPERATION_FAILED', (failed.errorDetail?.message ?? failed.error ?? 'failed').trim()));
          resolve();
        },
        (event: { stream?: string; status?: string; progress?: string; id?: string }) => {
          if (!onProgress) return;
          const line = event.stream ?? [event.id, event.status, event.progress].filter(Boolean).join(' ');
          for (const part of line.split('\n')) if (part.trim()) onProgress(part.trimEnd());
        },
      );
    });
  }

  private async guard<T>(call: () => Promise<T>, subject?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateEngineError(error, subject);
    }
  }
}

function dockerodeOptions(endpoint: Endpoint): DockerodeType.DockerOptions {
  switch (endpoint.kind) {
    case 'unix':
      return { socketPath: endpoint.socketPath };
    case 'ssh':
      return { protocol: 'ssh', host: endpoint.ssh?.host, port: endpoint.ssh?.port, username: endpoint.ssh?.user } as DockerodeType.DockerOptions;
    default: {
      const options: DockerodeType.DockerOptions = { host: endpoint.host, port: endpoint.port, protocol: endpoint.tls ? 'https' : 'http' };
      // The same files and trust as every other request (a context's TLS files included).
      return endpoint.tls ? { ...options, ...tlsOptions(endpoint.tls) } : options;
    }
  }
}

function splitRef(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  if (at > ref.lastIndexOf('/')) return [ref.slice(0, at), ref.slice(at + 1)];
  return [ref, 'latest'];
}

/** The one place engine failures become Remora errors. */
export function translateEngineError(error: unknown, subject?: string): Error {
  if (error instanceof RemoraError) return error;
  const status = error instanceof EngineHttpError ? error.statusCode : (error as { statusCode?: number }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  const engineText = (error as { json?: { message?: string } }).json?.message ?? message;
  if (status === 404 && /no such container/i.test(engineText)) {
    return new RemoraError('TARGET_NOT_FOUND', `no container named ${subject ?? ''}`.trim(), { cause: error });
  }
  if (status === 404 && /no such image|not found/i.test(engineText)) {
    return new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `image not found: ${subject ?? engineText}`, { cause: error });
  }
  if (status === 409 && /is paused/i.test(engineText)) {
    return new RemoraError('TARGET_PAUSED', engineText, { cause: error, hint: 'unpause it with `docker unpause`' });
  }
  if (status === 409 && /is not running|restarting/i.test(engineText)) {
    return new RemoraError('TARGET_NOT_RUNNING', engineText, { cause: error });
  }
  return new RemoraError('ENGINE_ERROR', `the engine refused: ${engineText}`, { cause: error });
}
