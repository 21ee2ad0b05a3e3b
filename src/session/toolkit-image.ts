// Makes sure a toolkit image is there: the user's (`--toolkit-image`), pulled if absent, or
// Remora's own, built from toolkit-image/ the first time it is needed. Where the Debian
// base cannot be pulled (air-gapped sites, no registry), the base is made from Debian's
// packages with debootstrap and imported, and the user is told so.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { RemoraError } from '../core/errors.js';
import { Fingerprint } from '../core/fingerprint.js';
import type { Engine, ProgressHandler } from '../engine/types.js';
import { REMORA_VERSION } from '../core/version.js';

export const DEFAULT_BASE = 'debian:bookworm-slim';
export const FALLBACK_BASE = 'remora-base:bookworm';

export function defaultToolkitImage(): string {
  return `remora-toolkit:${REMORA_VERSION}`;
}

/** A folder shipped beside dist/ (the code may run bundled in dist/cli/chunks or from src/). */
export function packageDir(name: 'toolkit-image' | 'demo-image' | 'completions'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
    const parent = dirname(dir);
    if (parent === dir)
      throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `the ${name}/ folder is missing from this installation`, {
        hint: 'reinstall remora',
      });
    dir = parent;
  }
}

export interface EnsureImageOptions {
  engine: Engine;
  image: string;
  /** Rebuild even when present (`remora toolkit build`). */
  rebuild?: boolean;
  say: ProgressHandler;
}

/** Returns the image reference to use, building or pulling it when needed. */
export async function ensureToolkitImage(options: EnsureImageOptions): Promise<string> {
  const { engine, image, say } = options;
  if (image !== defaultToolkitImage()) {
    if (!options.rebuild && (await engine.imageExists(image))) return image;
    say(`pulling toolkit image ${image}`);
    try {
      await engine.pullImage(image, say);
      return image;
    } catch (error) {
      throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `toolkit image ${image} is not on the engine and cannot be pulled`, {
        hint: 'build or load it first, or drop --toolkit-image to use the built-in one',
        cause: error,
      });
    }
  }
  await ensureBuiltImage({
    engine,
    tag: image,
    directory: packageDir('toolkit-image'),
    say,
    what: 'toolkit image',
    force: options.rebuild,
  });
  return image;
}

/**
 * Whether the toolkit image can be used as it is: present and, for Remora's own, built from
 * these sources. Never throws: a failed check is a "no", and ensureToolkitImage says why.
 */
export async function toolkitImageIsReady(engine: Engine, image: string): Promise<boolean> {
  try {
    if (image !== defaultToolkitImage()) return await engine.imageExists(image);
    return (await builtImageState(engine, image, packageDir('toolkit-image'))).state === 'current';
  } catch {
    return false;
  }
}

/**
 * Whether the image is Remora's own toolkit (its helpers are there): the default tag, or
 * one built from toolkit-image/ under another tag. Never throws.
 */
export async function isRemoraToolkitImage(engine: Engine, image: string): Promise<boolean> {
  if (image === defaultToolkitImage()) return true;
  try {
    // toolkit-image/Dockerfile sets the title; images built FROM it (with more tools) keep it.
    return (await engine.imageLabels(image))?.['org.opencontainers.image.title'] === 'remora-toolkit';
  } catch {
    return false;
  }
}

/** Label holding a hash of the Dockerfile folder an image was built from. */
const CONTEXT_HASH_LABEL = 'remora.context-hash';
/** The tag an image was built for: after a rebuild, the untagged images with it are stale. */
const BUILT_AS_LABEL = 'remora.built-as';

/**
 * Builds one of Remora's own images unless an image built from the same sources is there:
 * a version tag alone would keep a stale image after an upgrade or a local change.
 */
export async function ensureBuiltImage(options: {
  engine: Engine;
  tag: string;
  directory: string;
  say: ProgressHandler;
  what: string;
  buildTarget?: string;
  force?: boolean;
}): Promise<void> {
  const { state, hash } = await builtImageState(options.engine, options.tag, options.directory, options.buildTarget);
  if (!options.force && state === 'current') return;
  if (state === 'stale' && !options.force) options.say(`${options.what} ${options.tag} is out of date; rebuilding it`);
  await buildFromDirectory({ ...options, labels: { [CONTEXT_HASH_LABEL]: hash, [BUILT_AS_LABEL]: options.tag } });
}

/** Whether the image at `tag` was built from these sources, and their hash. */
async function builtImageState(
  engine: Engine,
  tag: string,
  directory: string,
  buildTarget?: string,
): Promise<{ state: 'current' | 'stale' | 'missing'; hash: string }> {
  const labels = engine.imageLabels(tag);
  const hash = contextHash(directory, buildTarget);
  const found = await labels;
  return { state: !found ? 'missing' : found[CONTEXT_HASH_LABEL] === hash ? 'current' : 'stale', hash };
}

export function contextHash(directory: string, buildTarget = ''): string {
  const hash = new Fingerprint().update(`target:${buildTarget}\n`);
  for (const file of listFiles(directory).sort()) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(join(directory, file)));
  }
  return hash.hex();
}

/** Builds one of Remora's Dockerfiles on a Debian base, making the base if it must. */
export async function buildFromDirectory(options: {
  engine: Engine;
  tag: string;
  directory: string;
  say: ProgressHandler;
  what: string;
  buildTarget?: string;
  labels?: Record<string, string>;
}): Promise<void> {
  const { engine, say } = options;
  const base = await ensureBaseImage(engine, say);
  say(`building ${options.what} ${options.tag} from ${base} (first use only; takes a minute or two)`);
  const { default: tarFs } = await import('tar-fs');
  const context = tarFs.pack(options.directory, { entries: listFiles(options.directory) }) as unknown as Readable;
  try {
    await engine.buildImage(
      context,
      { tag: options.tag, buildArgs: { BASE: base }, labels: options.labels, target: options.buildTarget },
      say,
    );
  } catch (error) {
    throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `building ${options.what} ${options.tag} failed: ${(error as Error).message}`, {
      hint: 'run `remora toolkit build` to see the whole build log, or pass --toolkit-image with an image you have',
      cause: error,
    });
  }
  // The image the tag pointed to before is now untagged: each upgrade or change of the
  // sources would leave one behind. Build stages stay, as the engine's build cache.
  await engine.removeUntaggedImages(`${BUILT_AS_LABEL}=${options.tag}`).catch(() => undefined);
}

async function ensureBaseImage(engine: Engine, say: ProgressHandler): Promise<string> {
  if (await engine.imageExists(DEFAULT_BASE)) return DEFAULT_BASE;
  if (await engine.imageExists(FALLBACK_BASE)) return FALLBACK_BASE;
  say(`pulling ${DEFAULT_BASE}`);
  try {
    await engine.pullImage(DEFAULT_BASE);
    return DEFAULT_BASE;
  } catch (error) {
    say(
      `cannot pull ${DEFAULT_BASE} (${(error as Error).message.split('\n')[0]}); making ${FALLBACK_BASE} from Debian's packages with debootstrap instead`,
    );
  }
  await debootstrapBase(engine, FALLBACK_BASE, say);
  return FALLBACK_BASE;
}

async function debootstrapBase(engine: Engine, ref: string, say: ProgressHandler): Promise<void> {
  const { execa } = await import('execa');
  const found = await execa('sh', ['-c', 'command -v debootstrap'], { reject: false });
  if (found.exitCode !== 0) {
    throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `${DEFAULT_BASE} cannot be pulled and debootstrap is not installed`, {
      hint: 'install debootstrap (apt-get install debootstrap) and run as root, or load a Debian image: docker load / docker pull debian:bookworm-slim',
    });
  }
  if (process.getuid?.() !== 0) {
    throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `${DEFAULT_BASE} cannot be pulled and making a base with debootstrap needs root`, {
      hint: 'run `sudo remora toolkit build` once, or load a Debian image: docker pull debian:bookworm-slim',
    });
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'remora-rootfs-'));
  try {
    say(`debootstrap --variant=minbase bookworm (about a minute)`);
    const bootstrap = execa('debootstrap', ['--variant=minbase', 'bookworm', rootfs], { all: true, reject: false });
    bootstrap.all?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.startsWith('I: ')) say(line);
    });
    const result = await bootstrap;
    if (result.exitCode !== 0) {
      throw new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', `debootstrap failed (exit ${result.exitCode})`, {
        hint: 'check that Debian mirrors are reachable',
        details: String(result.all ?? '')
          .split('\n')
          .slice(-5),
      });
    }
    // debootstrap leaves the packages it installed in apt's cache: ~80 MB nobody needs.
    rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    say(`importing the base as ${ref}`);
    const tar = execa('tar', ['-C', rootfs, '-c', '.'], { buffer: false });
    await Promise.all([engine.importImage(tar.stdout, ref), tar]);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

function listFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(directory, path));
    }
  };
  walk(directory);
  return files;
}
