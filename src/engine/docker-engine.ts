// The Engine implementation for Docker-API engines (dockerd, Podman's compatible API).
// The hot calls go over Remora's own HTTP client; builds, pulls and imports over dockerode,
// loaded lazily, on that client's agent: each request reaches exactly the endpoint `doctor`
// names, over the same transport (ssh, TLS).
import { PassThrough, Readable } from 'node:stream';
import { RemoraError } from '../core/errors.js';
import { demultiplex } from './demux.js';
import type { DockerodeCalls } from './dockerode-client.js';
import type { Endpoint } from './endpoint.js';
import { EngineError, isNotFound, translateEngineError } from './engine-errors.js';
import { EngineHttpClient, EngineHttpError, readAll, type ClientOptions } from './http-client.js';
import { joinedContainers, namespacePathModes } from './namespace-paths.js';
import type {
  ContainerAttach,
  ContainerDetails,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  Engine,
  EngineProduct,
  EngineVersion,
  ExecHandle,
  ExecOptions,
  ImageConfig,
  ImageDetails,
  PathStat,
  ProgressHandler,
  ReusableChunks,
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

interface RawVersion {
  Version: string;
  ApiVersion: string;
  Os: string;
  Arch: string;
  Components?: Array<{ Name: string }> | null;
}

interface RawDetails {
  Id: string;
  Name: string;
  Image: string;
  RestartCount?: number;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Pid: number;
  };
  Config: { Image: string; Labels?: Record<string, string> | null } & RawConfig;
  HostConfig: { PidMode?: string; NetworkMode?: string; ReadonlyRootfs?: boolean; Tmpfs?: Record<string, string> | null };
  Mounts?: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
}

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  Architecture?: string;
  Os?: string;
  Config?: RawConfig & { Labels?: Record<string, string> | null };
}

interface RawConfig {
  User?: string;
  Env?: string[] | null;
  Entrypoint?: string[] | string | null;
  Cmd?: string[] | string | null;
  WorkingDir?: string;
}

function toImageConfig(raw: RawConfig | undefined): ImageConfig {
  const list = (value: string[] | string | null | undefined): string[] =>
    value == null ? [] : typeof value === 'string' ? [value] : value;
  return {
    entrypoint: list(raw?.Entrypoint),
    cmd: list(raw?.Cmd),
    env: raw?.Env ?? [],
    user: raw?.User ?? '',
    workingDir: raw?.WorkingDir ?? '',
  };
}

export interface DockerEngineOptions extends ClientOptions {
  /** Put on every container and image this engine creates (REMORA_LABELS); a spec's own labels win. */
  labels?: Record<string, string>;
}

export class DockerEngine implements Engine {
  readonly labels: Readonly<Record<string, string>>;
  private readonly http: EngineHttpClient;
  private dockerode: Promise<DockerodeCalls> | undefined;
  private product: Promise<EngineProduct> | undefined;
  /** Containers created joining others by namespace path: checked once started (see startContainer). */
  private readonly pathJoins = new Map<string, Map<string, number>>();
  /**
   * Image inspections of this engine's life (one command): a command asks about its toolkit
   * image from several places (is it there, is it Remora's), and the answer is the same
   * until the command itself builds, pulls, imports, commits or removes an image.
   */
  private readonly images = new Map<string, Promise<{ raw: RawImage } | { status: number; error: EngineHttpError }>>();

  constructor(
    readonly endpoint: Endpoint,
    options: DockerEngineOptions = {},
  ) {
    this.http = new EngineHttpClient(endpoint, options);
    this.labels = { ...options.labels };
  }

  get address(): string {
    return this.endpoint.address;
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    const raw = await this.guard(() => this.http.json<RawVersion>('GET', '/version', { signal }));
    // Podman names itself among the components; dockerd says "Engine".
    const podman = (raw.Components ?? []).some((c) => /podman/i.test(c.Name));
    return { product: podman ? 'Podman' : 'Docker', version: raw.Version, apiVersion: raw.ApiVersion, os: raw.Os, arch: raw.Arch };
  }

  async rootless(signal?: AbortSignal): Promise<boolean> {
    // Rootless Docker lists `name=rootless` among the security options; Podman says `Rootless`.
    const raw = await this.guard(() =>
      this.http.json<{ SecurityOptions?: string[] | null; Rootless?: boolean }>('GET', '/info', { signal }),
    );
    return raw.Rootless === true || (raw.SecurityOptions ?? []).some((option) => option.split(',').includes('name=rootless'));
  }

  async listContainers(options: { all?: boolean; labels?: string[] } = {}): Promise<ContainerSummary[]> {
    const filters = options.labels?.length ? JSON.stringify({ label: options.labels }) : undefined;
    const raw = await this.guard(() =>
      this.http.json<RawSummary[]>('GET', '/containers/json', { query: { all: options.all ? 1 : 0, filters } }),
    );
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
      mounts: (raw.Mounts ?? []).map((m) => ({
        type: m.Type,
        source: m.Source,
        destination: m.Destination,
        readWrite: m.RW,
        ...(m.Name ? { name: m.Name } : {}),
      })),
      tmpfs: raw.HostConfig.Tmpfs ?? {},
      config: toImageConfig(raw.Config),
      networkMode: raw.HostConfig.NetworkMode ?? '',
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const { host, joins } = await this.joinableHostConfig(spec.hostConfig);
    const body = {
      Image: spec.image,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      Env: spec.env,
      Labels: { ...this.labels, ...spec.labels },
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
        ...(host.memory === undefined ? {} : { Memory: host.memory, MemorySwap: host.memory }),
        ...(host.pidsLimit === undefined ? {} : { PidsLimit: host.pidsLimit }),
        Mounts: host.mounts?.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      },
    };
    const created = await this.guard(
      () => this.http.json<{ Id: string }>('POST', '/containers/create', { query: { name: spec.name }, body }),
      spec.image,
    );
    if (joins) this.pathJoins.set(created.Id, joins);
    return created.Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.guard(() => this.http.call('POST', `/containers/${id}/start`), id);
    const joins = this.pathJoins.get(id);
    if (!joins) return;
    this.pathJoins.delete(id);
    // A path names a PID, not a container: the namespaces were opened at start, and they
    // were the target's only if its main process is still the one seen at create (a PID
    // cannot be reused while it lives).
    for (const [joined, pid] of joins) {
      const now = await this.inspectContainer(joined).catch(() => undefined);
      if (now?.state.running && now.state.pid === pid) continue;
      await this.removeContainer(id);
      throw new RemoraError(
        'TARGET_NOT_RUNNING',
        `container ${joined.slice(0, 12)} is not running: it stopped or restarted while the toolkit joined it`,
      );
    }
  }

  /**
   * On Podman, `container:<id>` modes become namespace paths of the container's main
   * process, so Podman does not record the toolkit as a dependent of its target (which
   * would make `podman rm -f <target>` fail while a session exists). dockerd has no such
   * record and keeps the modes as given.
   */
  private async joinableHostConfig(
    host: ContainerSpec['hostConfig'],
  ): Promise<{ host: ContainerSpec['hostConfig']; joins?: Map<string, number> }> {
    const joined = joinedContainers(host);
    if (joined.length === 0) return { host };
    // Named by the headers of the answers so far (a listing or an inspect always comes first).
    if ((await this.engineProduct()) !== 'Podman') return { host };
    const pids = new Map<string, number>();
    for (const id of joined) {
      const details = await this.inspectContainer(id);
      if (!details.state.running || details.state.pid < 1)
        throw new RemoraError('TARGET_NOT_RUNNING', `container ${details.name} is not running`);
      pids.set(id, details.state.pid);
    }
    return { host: namespacePathModes(host, pids), joins: pids };
  }

  async removeContainer(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.http.call('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 } });
        return;
      } catch (raw) {
        const error = translateEngineError(raw, id);
        // Gone already, or auto-remove already under way: either way it will not remain.
        if (error instanceof EngineError && (error.failure === 'CONTAINER_NOT_FOUND' || error.status === 409)) return;
        // Podman answers 500 "container state improper" for a container between states
        // (exiting, being auto-removed) where dockerd answers 409: a moment later the
        // removal goes through, or the container is gone.
        if (attempt < 6 && error instanceof EngineError && error.failure === 'CONTAINER_BUSY') {
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          continue;
        }
        throw error;
      }
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

  async attachContainer(id: string, options: { stdin: boolean }): Promise<ContainerAttach> {
    const query = `stream=1&stdout=1&stderr=1${options.stdin ? '&stdin=1' : ''}`;
    const { socket, head } = await this.guard(() => this.http.upgrade(`/containers/${id}/attach?${query}`, {}), id);
    const { stdout, stderr, done } = demultiplex(socket, head);
    // Nothing is sent: without stdin, half-close at once; with it, the open half is the hold.
    if (!options.stdin) socket.end();
    return {
      stdout,
      stderr,
      done,
      release: () => {
        socket.end();
        socket.destroy();
      },
    };
  }

  async waitContainer(id: string, condition: 'next-exit' | 'removed' | 'not-running'): Promise<{ exitCode: Promise<number> }> {
    // Started once the request is out, as the docker CLI's `run` does: dockerd registers
    // the wait before it answers the headers, but Podman sends no headers until the exit.
    let sent!: () => void;
    const written = new Promise<void>((resolve) => (sent = resolve));
    const response = this.guard(() => this.http.stream('POST', `/containers/${id}/wait`, { query: { condition }, onSent: sent }), id);
    await Promise.race([written, response]);
    const exitCode = response.then(async (answer) => {
      const body = JSON.parse(await readAll(answer)) as { StatusCode: number; Error?: { Message?: string } | null };
      if (body.Error?.Message) throw new RemoraError('ENGINE_ERROR', `waiting for the toolkit failed: ${body.Error.Message}`);
      return body.StatusCode;
    });
    exitCode.catch(() => undefined);
    return { exitCode };
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
    const { socket, head } = await this.guard(() =>
      this.http.upgrade(`/exec/${execId}/start`, {
        Detach: false,
        Tty: tty,
        ConsoleSize: options.size ? [options.size.rows, options.size.cols] : undefined,
      }),
    );
    // A transport that ended the stream with its own explanation (ssh's last words when the
    // connection dropped) is the answer, not the still-running exec behind it.
    let lostConnection: RemoraError | undefined;
    socket.once('error', (error) => {
      if (error instanceof RemoraError) lostConnection = error;
    });

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

    let detached = false;
    const exitCode = outputDone.then(async () => {
      if (detached) return -1;
      if (lostConnection !== undefined) throw lostConnection;
      const inspected = await this.guard(() =>
        this.http.json<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${execId}/json`),
      );
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
      detach: () => {
        detached = true;
        socket.destroy();
      },
    };
  }

  async execDetached(containerId: string, cmd: string[]): Promise<void> {
    const created = await this.guard(
      () => this.http.json<{ Id: string }>('POST', `/containers/${containerId}/exec`, { body: { Cmd: cmd } }),
      containerId,
    );
    await this.guard(() => this.http.call('POST', `/exec/${created.Id}/start`, { body: { Detach: true, Tty: false } }), containerId);
  }

  async statPath(containerId: string, path: string): Promise<PathStat | null> {
    try {
      const response = await this.http.stream('HEAD', `/containers/${containerId}/archive`, { query: { path } });
      await readAll(response);
      const header = response.headers['x-docker-container-path-stat'];
      if (typeof header !== 'string') return null;
      const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {
        name: string;
        size: number;
        mode: number;
        mtime: string;
        linkTarget: string;
      };
      return { name: stat.name, size: stat.size, mode: stat.mode, mtime: stat.mtime, linkTarget: stat.linkTarget };
    } catch (raw) {
      // A HEAD answer has no body: a 404 is the path, or the container, not being there.
      const error = translateEngineError(raw, containerId);
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getArchive(
    containerId: string,
    path: string,
    options: { large?: boolean; signal?: AbortSignal } = {},
  ): Promise<Readable & Partial<ReusableChunks>> {
    const url = `/containers/${containerId}/archive`;
    const request = { query: { path }, signal: options.signal };
    return this.guard(() => (options.large ? this.http.largeStream(url, request) : this.http.stream('GET', url, request)), path);
  }

  async putArchive(containerId: string, path: string, tar: Readable | Buffer): Promise<void> {
    const stream = Buffer.isBuffer(tar) ? Readable.from([tar]) : tar;
    const response = await this.guard(
      () =>
        this.http.stream('PUT', `/containers/${containerId}/archive`, {
          query: { path },
          upload: { stream, contentType: 'application/x-tar' },
        }),
      containerId,
    );
    // Drained, or the connection stays busy.
    await readAll(response);
  }

  async exportContainer(id: string): Promise<Readable> {
    return this.guard(() => this.http.stream('GET', `/containers/${id}/export`), id);
  }

  async writableLayerSize(id: string): Promise<number | undefined> {
    const raw = await this.guard(
      () => this.http.json<{ SizeRw?: number }>('GET', `/containers/${encodeURIComponent(id)}/json`, { query: { size: 1 } }),
      id,
    );
    return typeof raw.SizeRw === 'number' ? raw.SizeRw : undefined;
  }

  async commitContainer(id: string, labels: Record<string, string>): Promise<string> {
    const changes = Object.entries({ ...this.labels, ...labels }).map(
      ([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`,
    );
    const url = `/commit?container=${encodeURIComponent(id)}&pause=false${changes.map((c) => `&changes=${encodeURIComponent(c)}`).join('')}`;
    this.images.clear();
    // An empty config as the body: Podman fails to decode a commit without one (Docker reads it as no change).
    const answer = await this.guard(() => this.http.json<{ Id: string }>('POST', url, { body: {} }), id);
    return answer.Id;
  }

  /**
   * Docker or Podman: named by the headers of the answers so far, or asked once per engine;
   * a failed answer is not kept, so the next call asks again.
   */
  private engineProduct(): Promise<EngineProduct> {
    const seen = this.http.productSeen;
    if (seen !== undefined) this.product ??= Promise.resolve(seen);
    this.product ??= this.version().then(
      (v) => v.product,
      (error: unknown) => {
        this.product = undefined;
        throw error;
      },
    );
    return this.product;
  }

  async releaseImage(id: string): Promise<void> {
    if ((await this.engineProduct()) !== 'Podman') return this.removeImage(id, { force: true });
    await this.removeImage(id).catch(() => undefined);
  }

  async removeImage(id: string, options: { force?: boolean } = {}): Promise<void> {
    this.images.clear();
    try {
      await this.http.call('DELETE', `/images/${encodeURIComponent(id)}`, { query: { force: options.force ? 1 : 0 } });
    } catch (raw) {
      const error = translateEngineError(raw, id);
      if (isNotFound(error)) return;
      throw error;
    }
  }

  async inspectImage(ref: string): Promise<ImageDetails | null> {
    const answer = await this.rawImage(ref);
    if (!('raw' in answer)) return null;
    const raw = answer.raw;
    // A reference the engine cannot parse as an image can answer without a body.
    if (!raw?.Id) return null;
    return {
      id: raw.Id,
      repoTags: raw.RepoTags ?? [],
      config: toImageConfig(raw.Config),
      architecture: raw.Architecture ?? '',
      os: raw.Os ?? '',
      labels: raw.Config?.Labels ?? {},
    };
  }

  /** GET /images/REF/json, once per command (see `images`); 400 and 404 are answers, other failures throw. */
  private rawImage(ref: string): Promise<{ raw: RawImage } | { status: number; error: EngineHttpError }> {
    let answer = this.images.get(ref);
    if (answer === undefined) {
      answer = this.http.json<RawImage>('GET', `/images/${encodeURIComponent(ref)}/json`).then(
        (raw) => ({ raw }),
        (error: unknown) => {
          if (error instanceof EngineHttpError && (error.statusCode === 404 || error.statusCode === 400))
            return { status: error.statusCode, error };
          // A failure is not kept: the next question asks again.
          this.images.delete(ref);
          throw translateEngineError(error);
        },
      );
      this.images.set(ref, answer);
    }
    return answer;
  }

  async containerChanges(id: string): Promise<Array<{ path: string; kind: 'changed' | 'added' | 'deleted' }>> {
    const raw = await this.guard(
      () => this.http.json<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${id}/changes`),
      id,
    );
    const kinds = ['changed', 'added', 'deleted'] as const;
    return (raw ?? []).map((change) => ({ path: change.Path, kind: kinds[change.Kind] ?? 'changed' }));
  }

  async volumeExists(name: string): Promise<boolean> {
    try {
      await this.http.call('GET', `/volumes/${encodeURIComponent(name)}`);
      return true;
    } catch (raw) {
      const error = translateEngineError(raw, name);
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    return (await this.imageLabels(ref)) !== null;
  }

  async imageLabels(ref: string): Promise<Record<string, string> | null> {
    const answer = await this.rawImage(ref);
    if ('raw' in answer) return answer.raw?.Config?.Labels ?? {};
    if (answer.status === 404) return null;
    throw translateEngineError(answer.error);
  }

  async listImages(labels: string[]): Promise<Array<{ id: string; labels: Record<string, string>; created: number }>> {
    const filters = JSON.stringify({ label: labels });
    const images = await this.guard(() =>
      this.http.json<Array<{ Id: string; Labels?: Record<string, string> | null; Created: number }>>('GET', '/images/json', {
        query: { filters },
      }),
    );
    return images.map((image) => ({ id: image.Id, labels: image.Labels ?? {}, created: image.Created }));
  }

  async removeUntaggedImages(label: string): Promise<void> {
    this.images.clear();
    const filters = JSON.stringify({ dangling: ['true'], label: [label] });
    const images = await this.guard(() => this.http.json<Array<{ Id: string }>>('GET', '/images/json', { query: { filters } }));
    for (const image of images) {
      // One in use by a container (a session started before the rebuild) stays.
      await this.http.call('DELETE', `/images/${encodeURIComponent(image.Id)}`).catch(() => undefined);
    }
  }

  async buildImage(
    context: Readable,
    options: { tag: string; buildArgs?: Record<string, string>; labels?: Record<string, string>; target?: string },
    onProgress?: ProgressHandler,
  ): Promise<void> {
    this.images.clear();
    const docker = await this.docker();
    const labels = { ...this.labels, ...options.labels };
    const stream = await this.guard(() => docker.build(context, Object.keys(labels).length ? { ...options, labels } : options));
    await followProgress(stream, onProgress);
  }

  async pullImage(ref: string, onProgress?: ProgressHandler): Promise<void> {
    this.images.clear();
    const docker = await this.docker();
    const stream = await this.guard(() => docker.pull(ref), ref);
    await followProgress(stream, onProgress);
  }

  async importImage(rootfsTar: Readable, ref: string, labels: Record<string, string> = {}): Promise<void> {
    this.images.clear();
    const docker = await this.docker();
    const stream = await this.guard(() => docker.import(rootfsTar, ref, { ...this.labels, ...labels }), ref);
    await followProgress(stream);
  }

  async logs(
    containerId: string,
    options: { follow: boolean; tail?: number; since?: number; timestamps?: boolean },
  ): Promise<{ stdout: Readable; stderr: Readable; close(): void }> {
    // A TTY container's log is one raw stream; any other is multiplexed. Asked side by side.
    const [response, isTty] = await Promise.all([
      this.guard(
        () =>
          this.http.stream('GET', `/containers/${containerId}/logs`, {
            query: {
              stdout: 1,
              stderr: 1,
              follow: options.follow ? 1 : 0,
              tail: options.tail ?? 'all',
              since: options.since,
              timestamps: options.timestamps ? 1 : 0,
            },
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

  private docker(): Promise<DockerodeCalls> {
    this.dockerode ??= import('./dockerode-client.js').then(({ dockerodeOver }) => dockerodeOver(this.http));
    return this.dockerode;
  }

  private async containerHasTty(containerId: string): Promise<boolean> {
    const raw = await this.http.json<{ Config: { Tty?: boolean } }>('GET', `/containers/${containerId}/json`);
    return raw.Config.Tty ?? false;
  }

  private async guard<T>(call: () => Promise<T>, subject?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateEngineError(error, subject);
    }
  }
}

/**
 * Reads a build, pull or import answer (JSON lines) to its end. The engine reports failures
 * inside the stream with status 200, so an event carrying an error rejects. Not dockerode's
 * followProgress: it reports success for such a stream, and for one cut short.
 */
function followProgress(stream: Readable, onProgress?: ProgressHandler): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let failure: string | undefined;
    const take = (line: string): void => {
      if (line.trim() === '') return;
      let event: { stream?: string; status?: string; progress?: string; id?: string; error?: string; errorDetail?: { message?: string } };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return;
      }
      if (event.error !== undefined || event.errorDetail !== undefined) {
        failure ??= (event.errorDetail?.message ?? event.error ?? 'failed').trim();
        return;
      }
      if (!onProgress) return;
      const text = event.stream ?? [event.id, event.status, event.progress].filter(Boolean).join(' ');
      for (const part of text.split('\n')) if (part.trim()) onProgress(part.trimEnd());
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    stream.once('end', () => {
      take(pending);
      if (failure !== undefined) reject(new RemoraError('OPERATION_FAILED', failure));
      else resolve();
    });
    // Past the headers, a failing stream is a lost connection (Node calls it "aborted"),
    // unless the transport explained it already (ssh's last words).
    const cutShort = (cause?: Error): RemoraError =>
      new RemoraError('ENGINE_UNREACHABLE', 'the engine closed the connection before the build or import ended', { cause });
    stream.once('error', (error) => reject(error instanceof RemoraError ? error : cutShort(error)));
    stream.once('close', () => {
      if (!stream.readableEnded) reject(cutShort());
    });
  });
}
