// `remora entrypoint`: what a container or image runs at start, and what would stop it from
// starting — checked on its files through the engine's archive API (nothing is started and
// nothing runs: an image is read through a never-started container, removed afterwards).
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { archRuns, defaultLibraryDirs, inspectExecutable, parseLdSoConf, type ElfInfo, type ExecutableInfo } from '../core/elf.js';
import { randomSuffix } from '../core/fingerprint.js';
import { LABEL, ROLE_STAND_IN } from '../core/labels.js';
import type { Engine, ImageConfig, PathStat } from '../engine/types.js';

/** Docker's PATH for a container whose image sets none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Enough of any program for its headers, loader and library names. */
const READ_LIMIT = 64 * 1024 * 1024;
const MAX_SYMLINKS = 40;
/** Go's os.FileMode bits, as the archive API reports modes. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

export interface EntrypointProblem {
  message: string;
  fix: string;
}

export interface ProgramFacts {
  /** The path as the program is found (PATH searched), and after symlinks. */
  path: string;
  resolved: string;
  kind: ExecutableInfo['kind'];
  arch?: string;
  interpreter?: string;
  needed?: string[];
}

export interface EntrypointReport {
  entrypoint: string[];
  cmd: string[];
  /** What the engine executes: entrypoint + cmd. */
  argv: string[];
  user: string;
  uid: number | null;
  gid: number | null;
  workingDir: string;
  program: ProgramFacts | null;
  problems: EntrypointProblem[];
}

interface FileEntry {
  mode: number;
  uid: number;
  gid: number;
  data: Buffer;
}

/** Reads files of a container's filesystem through the archive API, following symlinks inside it. */
class ImageFiles {
  private readonly stats = new Map<string, Promise<PathStat | null>>();
  /** The directories of the image's ld.so.conf, read once. */
  ldConf: Promise<string[]> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly containerId: string,
  ) {}

  stat(path: string): Promise<PathStat | null> {
    let stat = this.stats.get(path);
    if (!stat) {
      stat = this.engine.statPath(this.containerId, path);
      this.stats.set(path, stat);
    }
    return stat;
  }

  /** The path with its final symlinks followed (the engine resolves the ones before it); null when absent. */
  async resolve(path: string): Promise<{ path: string; stat: PathStat } | null> {
    let current = posix.normalize(path);
    for (let i = 0; i < MAX_SYMLINKS; i++) {
      const stat = await this.stat(current);
      if (!stat) return null;
      if ((stat.mode & MODE_SYMLINK) === 0) return { path: current, stat };
      current = posix.resolve(posix.dirname(current), stat.linkTarget);
    }
    return null;
  }

  async isFile(path: string): Promise<boolean> {
    const found = await this.resolve(path);
    return found !== null && (found.stat.mode & (MODE_DIR | MODE_SYMLINK)) === 0;
  }

  /** A regular file's owner, mode and first READ_LIMIT bytes. */
  async read(path: string): Promise<FileEntry | null> {
    let archive: Readable;
    try {
      archive = await this.engine.getArchive(this.containerId, path);
    } catch {
      return null;
    }
    const extract = tarStream.extract();
    archive.once('error', (error) => extract.destroy(error));
    archive.pipe(extract);
    let found: FileEntry | null = null;
    for await (const entry of extract) {
      if (found || entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (size < READ_LIMIT) chunks.push(chunk);
        size += chunk.length;
      }
      found = { mode: entry.header.mode ?? 0, uid: entry.header.uid ?? 0, gid: entry.header.gid ?? 0, data: Buffer.concat(chunks) };
    }
    return found;
  }

  /** Names in a directory (one level). */
  async list(dir: string): Promise<string[]> {
    const archive = await this.engine.getArchive(this.containerId, dir).catch(() => null);
    if (!archive) return [];
    const names: string[] = [];
    const extract = tarStream.extract();
    archive.once('error', (error) => extract.destroy(error));
    archive.pipe(extract);
    for await (const entry of extract) {
      const parts = entry.header.name.split('/').filter(Boolean);
      if (parts.length === 2) names.push(parts[1]!);
      entry.resume();
    }
    return names;
  }

  async text(path: string): Promise<string | null> {
    const resolved = await this.resolve(path);
    if (!resolved) return null;
    return (await this.read(resolved.path))?.data.toString('utf8') ?? null;
  }
}

export interface EntrypointInput {
  engine: Engine;
  /** A container (any state) whose files are read, or an image. */
  source: { kind: 'container'; id: string } | { kind: 'image'; ref: string };
  config: ImageConfig;
  /** The image's architecture, when known. */
  imageArch?: string;
}

export async function checkEntrypoint(input: EntrypointInput): Promise<EntrypointReport> {
  const { engine, config } = input;
  let containerId: string;
  let temporary: string | undefined;
  if (input.source.kind === 'container') {
    containerId = input.source.id;
  } else {
    // A container that is never started: the archive API reads an image only through one.
    temporary = await engine.createContainer({
      name: `remora-entrypoint-${randomSuffix(8)}`,
      image: input.source.ref,
      // Never started; an entrypoint of its own in case an image has none (create needs one).
      entrypoint: ['/nonexistent'],
      labels: { [LABEL.role]: ROLE_STAND_IN },
      hostConfig: { networkMode: 'none' },
    });
    containerId = temporary;
  }
  try {
    const engineArch = (await engine.version()).arch;
    return await inspectFiles(new ImageFiles(engine, containerId), config, engineArch, input.imageArch);
  } finally {
    if (temporary) await engine.removeContainer(temporary).catch(() => undefined);
  }
}

async function inspectFiles(
  files: ImageFiles,
  config: ImageConfig,
  engineArch: string,
  imageArch: string | undefined,
): Promise<EntrypointReport> {
  const argv = [...config.entrypoint, ...config.cmd];
  const report: EntrypointReport = {
    entrypoint: config.entrypoint,
    cmd: config.cmd,
    argv,
    user: config.user,
    uid: null,
    gid: null,
    workingDir: config.workingDir || '/',
    program: null,
    problems: [],
  };
  const problem = (message: string, fix: string): void => void report.problems.push({ message, fix });

  if (imageArch && !archRuns(engineArch, imageArch)) {
    problem(
      `the image is for ${imageArch}, the engine runs ${engineArch}`,
      `build it for linux/${engineArch} (docker build --platform linux/${engineArch})`,
    );
  }
  const ids = await resolveUser(files, config.user);
  if ('problem' in ids) problem(ids.problem, ids.fix);
  else {
    report.uid = ids.uid;
    report.gid = ids.gid;
  }
  if (argv.length === 0) {
    problem('no ENTRYPOINT or CMD: nothing to run', 'add ENTRYPOINT ["/your/program"] to the Dockerfile');
    return report;
  }

  const env = new Map(config.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const name = argv[0]!;
  const path = await findProgram(files, name, env.get('PATH') ?? DEFAULT_PATH, report.workingDir);
  if (!path) {
    problem(
      name.includes('/')
        ? `${name} does not exist in the image`
        : `${name} is not in the image's PATH (${env.get('PATH') ?? DEFAULT_PATH})`,
      'check the path in ENTRYPOINT/CMD, and that the Dockerfile copies the program into this stage',
    );
    return report;
  }
  const resolved = (await files.resolve(path))!;
  const facts: ProgramFacts = { path, resolved: resolved.path, kind: 'other' };
  report.program = facts;
  if ((resolved.stat.mode & MODE_DIR) !== 0) {
    problem(`${path} is a directory`, 'name the program inside it in ENTRYPOINT/CMD');
    return report;
  }
  const file = await files.read(resolved.path);
  if (!file) {
    problem(`${path} cannot be read from the image`, 'check that it is a regular file');
    return report;
  }
  if (report.uid !== null && !executableBy(file, report.uid, report.gid ?? 0)) {
    problem(
      `${path} is not executable for user ${report.uid} (mode ${(file.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${file.uid}:${file.gid})`,
      'make it executable in the Dockerfile (RUN chmod +x, or COPY --chmod=755)',
    );
  }
  const info = inspectExecutable(file.data);
  facts.kind = info.kind;
  if (info.kind === 'elf') {
    Object.assign(facts, { arch: info.arch, interpreter: info.interpreter, needed: info.needed });
    await checkElf(files, resolved.path, info, engineArch, env, problem, new Set());
  } else if (info.kind === 'script') {
    facts.interpreter = info.interpreter;
    await checkScript(files, path, info.interpreter, info.argument, env, engineArch, problem);
  } else {
    problem(
      `${path} is neither an ELF program nor a #! script (exec format error)`,
      'check that the right file was copied, for this architecture',
    );
  }
  return report;
}

type Problem = (message: string, fix: string) => void;

async function checkScript(
  files: ImageFiles,
  path: string,
  interpreter: string,
  argument: string | undefined,
  env: Map<string, string>,
  engineArch: string,
  problem: Problem,
): Promise<void> {
  const found = await files.resolve(interpreter);
  if (!found) {
    problem(
      `${path} is a script for ${interpreter}, which the image does not have`,
      'run a compiled program in exec form, or use a base image with that interpreter',
    );
    return;
  }
  let next = found.path;
  // `#!/usr/bin/env NAME`: NAME is searched in PATH.
  if (posix.basename(interpreter) === 'env' && argument) {
    const wanted = argument.split(/\s+/).find((word) => !word.startsWith('-'));
    if (wanted) {
      const program = await findProgram(files, wanted, env.get('PATH') ?? DEFAULT_PATH, '/');
      if (!program) {
        problem(
          `${path} runs ${wanted} through env, and ${wanted} is not in the image's PATH`,
          `install ${wanted} in the image, or name it by its full path in the #! line`,
        );
        return;
      }
      next = (await files.resolve(program))!.path;
    }
  }
  const data = await files.read(next);
  const info = data ? inspectExecutable(data.data) : undefined;
  if (info?.kind === 'elf') await checkElf(files, next, info, engineArch, env, problem, new Set());
}

async function checkElf(
  files: ImageFiles,
  path: string,
  info: ElfInfo,
  engineArch: string,
  env: Map<string, string>,
  problem: Problem,
  seen: Set<string>,
): Promise<void> {
  if (!archRuns(engineArch, info.arch)) {
    problem(
      `${path} is built for ${info.arch}, the engine runs ${engineArch} (exec format error)`,
      `build it for ${engineArch} (GOARCH=${engineArch}, or docker build --platform linux/${engineArch})`,
    );
    return;
  }
  if (info.interpreter && !(await files.isFile(info.interpreter))) {
    problem(
      `${path} is dynamically linked, but the image has no ${info.interpreter}`,
      'build it statically (CGO_ENABLED=0 for Go, -static for C), or use a distroless base with libc',
    );
    return;
  }
  const dirs = await libraryDirs(files, path, info, env);
  for (const library of info.needed) {
    if (seen.has(library)) continue;
    seen.add(library);
    // Asked of every directory at once (one round trip each); the first in order wins.
    const present = await Promise.all(dirs.map((dir) => files.isFile(posix.join(dir, library))));
    const at = present.indexOf(true);
    const found = at < 0 ? undefined : posix.join(dirs[at]!, library);
    if (!found) {
      problem(
        `${path} needs ${library}, which is not in the image (looked in ${dirs.join(' ')})`,
        'copy it (and the libraries it needs) into the image, or link the program statically',
      );
      continue;
    }
    // The library's own needs, once each (libc pulls in the loader, and so on).
    const data = await files.read((await files.resolve(found))!.path);
    const nested = data ? inspectExecutable(data.data) : undefined;
    if (nested?.kind === 'elf') await checkElf(files, found, { ...nested, interpreter: undefined }, engineArch, env, problem, seen);
  }
}

/** RUNPATH ($ORIGIN expanded), LD_LIBRARY_PATH, ld.so.conf (and its includes), then the defaults. */
async function libraryDirs(files: ImageFiles, path: string, info: ElfInfo, env: Map<string, string>): Promise<string[]> {
  const origin = posix.dirname(path);
  const runpath = info.runpath.map((dir) => posix.normalize(dir.replace(/\$\{?ORIGIN\}?/g, origin)));
  const fromEnv = (env.get('LD_LIBRARY_PATH') ?? '').split(':').filter((d) => d.startsWith('/'));
  files.ldConf ??= readLdSoConf(files);
  return [...new Set([...runpath, ...fromEnv, ...(await files.ldConf), ...defaultLibraryDirs(info.arch)])];
}

async function readLdSoConf(files: ImageFiles): Promise<string[]> {
  const text = await files.text('/etc/ld.so.conf');
  if (text === null) return [];
  const { dirs, includes } = parseLdSoConf(text);
  for (const pattern of includes) {
    // Only the usual `dir/*.conf` form: each file of the directory that matches.
    const dir = posix.dirname(pattern);
    const suffix = posix.basename(pattern).replace(/^\*/, '');
    for (const name of await files.list(dir)) {
      if (!name.endsWith(suffix)) continue;
      const included = await files.text(posix.join(dir, name));
      if (included) dirs.push(...parseLdSoConf(included).dirs);
    }
  }
  return dirs;
}

function executableBy(file: FileEntry, uid: number, gid: number): boolean {
  if (uid === 0) return (file.mode & 0o111) !== 0;
  if (file.uid === uid) return (file.mode & 0o100) !== 0;
  if (file.gid === gid) return (file.mode & 0o010) !== 0;
  return (file.mode & 0o001) !== 0;
}

async function findProgram(files: ImageFiles, name: string, pathVariable: string, workingDir: string): Promise<string | null> {
  if (name.includes('/')) {
    const path = posix.resolve(workingDir, name);
    return (await files.resolve(path)) ? path : null;
  }
  for (const dir of pathVariable.split(':').filter(Boolean)) {
    const candidate = posix.join(dir, name);
    if (await files.isFile(candidate)) return candidate;
  }
  return null;
}

/** USER as Docker reads it (name or uid, optionally :group or :gid), names looked up in the image. */
async function resolveUser(files: ImageFiles, user: string): Promise<{ uid: number; gid: number } | { problem: string; fix: string }> {
  const [userPart = '', groupPart] = user.split(':');
  let uid = 0;
  let gid = 0;
  if (userPart !== '') {
    if (/^\d+$/.test(userPart)) {
      uid = Number(userPart);
      const line = (await files.text('/etc/passwd'))?.split('\n').find((l) => l.split(':')[2] === userPart);
      gid = line ? Number(line.split(':')[3]) : uid;
    } else {
      const passwd = await files.text('/etc/passwd');
      const line = passwd?.split('\n').find((l) => l.split(':')[0] === userPart);
      if (!line) {
        return {
          problem: `user "${userPart}" is not in the image's ${passwd === null ? '/etc/passwd (there is none)' : '/etc/passwd'}: the engine refuses to start it`,
          fix: 'use a numeric USER (e.g. USER 65532:65532), or add the user to /etc/passwd',
        };
      }
      const fields = line.split(':');
      uid = Number(fields[2]);
      gid = Number(fields[3]);
    }
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const line = (await files.text('/etc/group'))?.split('\n').find((l) => l.split(':')[0] === groupPart);
      if (!line)
        return {
          problem: `group "${groupPart}" is not in the image's /etc/group: the engine refuses to start it`,
          fix: 'use a numeric group (USER name:65532), or add the group to /etc/group',
        };
      gid = Number(line.split(':')[2]);
    }
  }
  return { uid, gid };
}
