// The engine boundary: what Remora asks of a container engine, in its own words.
// Everything above engine/ talks to this interface; only engine/ knows the wire.
import type { Readable, Writable } from 'node:stream';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerSummary {
  id: string;
  /** Primary name without the leading slash. */
  name: string;
  image: string;
  state: ContainerState;
  /** Human status from the engine, e.g. "Exited (1) 2 hours ago". */
  status: string;
  labels: Record<string, string>;
  /** Unix seconds. */
  created: number;
}

export interface ContainerDetails {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: {
    status: ContainerState;
    running: boolean;
    paused: boolean;
    restarting: boolean;
    exitCode: number;
    startedAt: string;
    finishedAt: string;
    /** Host PID of the main process (0 when not running). */
    pid: number;
  };
  user: string;
  labels: Record<string, string>;
  pidMode: string;
  readonlyRootfs: boolean;
  restartCount: number;
  mounts: Array<{ type: string; source: string; destination: string; readWrite: boolean; name?: string }>;
  tmpfs: Record<string, string>;
  /** The container's own configuration (what a stand-in of it copies). */
  config: ImageConfig;
  networkMode: string;
}

/** What an image (or a container's config) says a container runs, and how. */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  user: string;
  workingDir: string;
}

export interface ImageDetails {
  id: string;
  repoTags: string[];
  config: ImageConfig;
  architecture: string;
  os: string;
  labels: Record<string, string>;
}

/** A mount of a container being created (volumes and binds by source, tmpfs empty). */
export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Replaces the image's entrypoint; an empty list clears it. Absent: the image's own. */
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  labels: Record<string, string>;
  user?: string;
  workingDir?: string;
  /** Keep stdin open and close it when the first attach ends (the `--rm` keeper). */
  openStdin?: boolean;
  hostConfig: {
    pidMode?: string;
    networkMode?: string;
    ipcMode?: string;
    capAdd?: string[];
    capDrop?: string[];
    securityOpt?: string[];
    privileged?: boolean;
    autoRemove?: boolean;
    readonlyRootfs?: boolean;
    tmpfs?: Record<string, string>;
    /** Bytes; swap is capped at the same figure (no swap beyond it). */
    memory?: number;
    pidsLimit?: number;
    mounts?: MountSpec[];
  };
}

export interface ExecOptions {
  cmd: string[];
  user?: string;
  env?: string[];
  workingDir?: string;
  tty?: boolean;
  /** Attach stdin; the caller writes to `stdin` and ends it to send EOF. */
  stdin?: boolean;
  /** Initial terminal size for tty execs. */
  size?: { cols: number; rows: number };
}

export interface ExecHandle {
  /** Demultiplexed output (with tty, everything arrives on stdout). */
  stdout: Readable;
  stderr: Readable;
  stdin: Writable | null;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code once output has been fully read. */
  exitCode: Promise<number>;
  /** Tear the connection down early (the process in the container may keep running). */
  close(): void;
  /**
   * The caller has what it needed and leaves the process to finish on its own: the
   * connection goes, and its exit status is not asked for (exitCode resolves -1), so
   * nothing keeps remora waiting for it.
   */
  detach(): void;
}

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** Which engine answers the Docker API: it decides how a toolkit joins its target. */
export type EngineProduct = 'Docker' | 'Podman';

export interface EngineVersion {
  product: EngineProduct;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export type ProgressHandler = (line: string) => void;

export interface StdinHold {
  /** Close the hold: the container's stdin sees EOF. */
  release(): void;
  /** Resolves when the engine side closes the stream. */
  closed: Promise<void>;
}

/** A container's own streams, attached before it starts (a one-shot command's output). */
export interface ContainerAttach {
  /** Demultiplexed output of the container's main process. */
  stdout: Readable;
  stderr: Readable;
  /** Resolves when the engine ended the stream (the container stopped) and both outputs ended. */
  done: Promise<void>;
  /** Closes the attach: with openStdin, the container's stdin sees EOF. */
  release(): void;
}

/** A large archive's body whose chunks can be read into again once every byte of them is used. */
export interface ReusableChunks {
  /**
   * Gives back bytes of the body once nothing refers to them any more (written, or decoded
   * and copied). A chunk whose bytes have all come back is read into again; bytes never
   * given back leave their chunk to the garbage collector. Each byte at most once.
   */
  release(bytes: Uint8Array): void;
}

export interface Engine {
  readonly address: string;
  /** The user's labels (REMORA_LABELS), put on every container and image this engine creates. */
  readonly labels: Readonly<Record<string, string>>;
  version(signal?: AbortSignal): Promise<EngineVersion>;
  /** Whether the engine runs without root (rootless Docker or Podman). */
  rootless(signal?: AbortSignal): Promise<boolean>;
  listContainers(options?: { all?: boolean; labels?: string[] }): Promise<ContainerSummary[]>;
  inspectContainer(idOrName: string): Promise<ContainerDetails>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Removes with force; a container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /** Attach to stdin of a container created with openStdin, holding it open. */
  holdStdin(id: string): Promise<StdinHold>;
  /** Attach to stdout and stderr (and stdin, held without data, with openStdin) of a created container. */
  attachContainer(id: string, options: { stdin: boolean }): Promise<ContainerAttach>;
  /**
   * Waits for a container's next exit; resolves once the request is out (ask, and await
   * this, before starting it, as the docker CLI's run does). `exitCode` follows the exit; with `removed`
   * only once an auto-removed container is gone too, as `docker run --rm` waits.
   */
  waitContainer(id: string, condition: 'next-exit' | 'removed' | 'not-running'): Promise<{ exitCode: Promise<number> }>;
  exec(containerId: string, options: ExecOptions): Promise<ExecHandle>;
  /** Starts a command with no streams (`docker exec -d`): resolves once it runs; the engine reaps it. */
  execDetached(containerId: string, cmd: string[]): Promise<void>;
  /** Stat a path in a container's filesystem through the archive API (no exec). Null when absent. */
  statPath(containerId: string, path: string): Promise<PathStat | null>;
  /**
   * A path of a container as a tar stream. `large`: read on a connection of its own, in
   * large buffers; the stream then ends where the connection does (its reader checks the
   * tar's own end). `signal` ends the request, also before the engine has answered.
   */
  getArchive(
    containerId: string,
    path: string,
    options?: { large?: boolean; signal?: AbortSignal },
  ): Promise<Readable & Partial<ReusableChunks>>;
  /** Copies a tar stream into a container's filesystem (a created one too) at an existing directory. */
  putArchive(containerId: string, path: string, tar: Readable | Buffer): Promise<void>;
  /** A tar of a container's whole filesystem (its image's layers and its own; no volumes). */
  exportContainer(id: string): Promise<Readable>;
  /** The size of a container's writable layer (SizeRw; the engine walks the layer, so it can take a while). */
  writableLayerSize(id: string): Promise<number | undefined>;
  /** Commits a container's filesystem to a new untagged image; resolves with its ID. */
  commitContainer(id: string, labels: Record<string, string>): Promise<string>;
  /**
   * Drops an image that a container was just made from, never the container: Docker removes
   * it at once (the container keeps its layers); Podman, whose forced removal takes the
   * containers with it, keeps it while one uses it (a later sweep removes it then).
   */
  releaseImage(id: string): Promise<void>;
  /** Removes an image; `force` removes it even while a stopped container uses it. Absent: not an error. */
  removeImage(id: string, options?: { force?: boolean }): Promise<void>;
  /** Null when there is no such image. */
  inspectImage(ref: string): Promise<ImageDetails | null>;
  volumeExists(name: string): Promise<boolean>;
  /** What a container changed on its writable layer against its image (the changes API). */
  containerChanges(id: string): Promise<Array<{ path: string; kind: 'changed' | 'added' | 'deleted' }>>;
  imageExists(ref: string): Promise<boolean>;
  /** The image's labels, or null when the image is not there. */
  imageLabels(ref: string): Promise<Record<string, string> | null>;
  /** Build from a tar stream of a build context. Rejects on in-band errors. */
  buildImage(
    context: Readable,
    options: { tag: string; buildArgs?: Record<string, string>; labels?: Record<string, string>; target?: string },
    onProgress?: ProgressHandler,
  ): Promise<void>;
  /** Rejects on in-band errors (docker.pull reports them inside the stream). */
  pullImage(ref: string, onProgress?: ProgressHandler): Promise<void>;
  /** A rootfs tar as an image tagged `ref`, with `labels` on it. */
  importImage(rootfsTar: Readable, ref: string, labels?: Record<string, string>): Promise<void>;
  /** Images carrying every label given (KEY or KEY=VALUE), with their labels and creation time (seconds). */
  listImages(labels: string[]): Promise<Array<{ id: string; labels: Record<string, string>; created: number }>>;
  /**
   * Removes untagged images carrying the label (KEY or KEY=VALUE: the images a rebuild replaced), except those a
   * container still uses.
   */
  removeUntaggedImages(label: string): Promise<void>;
  logs(
    containerId: string,
    options: { follow: boolean; tail?: number; since?: number; timestamps?: boolean },
  ): Promise<{ stdout: Readable; stderr: Readable; close(): void }>;
  /** Stream of container events (die, destroy, pause...) for the given container. */
  events(filters: Record<string, string[]>): Promise<{ stream: Readable; close(): void }>;
}
