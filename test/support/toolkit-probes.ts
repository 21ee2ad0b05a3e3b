// Helpers for the process, trace and socket tests: count the execs a command makes in a
// toolkit (from the engine's own events), look at a target's processes from its toolkit,
// and a busybox-only toolkit image made from the real toolkit's static busybox.
import { extract, pack } from 'tar-stream';
import type { Readable } from 'node:stream';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, toolkitsOf } from './fixtures.js';
import { TEST_IMAGES } from './images.js';
import { waitFor } from './wait-for.js';

/**
 * Runs `during` and returns the exec_create actions the engine reported for the container
 * meanwhile. A sentinel exec marks the end, so no event still in flight is missed.
 */
export async function countExecs(engine: DockerEngine, containerId: string, during: () => Promise<void>): Promise<string[]> {
  const { stream, close } = await engine.events({ type: ['container'], container: [containerId], event: ['exec_create'] });
  const actions: string[] = [];
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) actions.push((JSON.parse(line) as { Action: string }).Action);
      newline = buffered.indexOf('\n');
    }
  });
  try {
    await during();
    const sentinel = await engine.exec(containerId, { cmd: ['true', 'remora-sentinel'] });
    await sentinel.exitCode;
    await waitFor(() => actions.some((a) => a.includes('remora-sentinel')), { what: 'the sentinel exec event' });
    return actions.slice(
      0,
      actions.findIndex((a) => a.includes('remora-sentinel')),
    );
  } finally {
    close();
  }
}

export interface ToolkitView {
  /** pid -> { ppid, state, comm } for every process the toolkit sees. */
  processes: Map<number, { ppid: number; state: string; comm: string }>;
  /** pid -> TracerPid, for every thread (task) of every process. */
  tracers: Map<string, number>;
  /** The pid of the look itself (its shell), which is among the processes. */
  self: number;
}

/** Every process and thread of the target's PID namespace, as its toolkit sees them. */
export async function lookFromToolkit(target: string): Promise<ToolkitView> {
  const script = [
    'echo "S $$"',
    'for s in /proc/[0-9]*/stat; do read -r l < "$s" && echo "P $l"; done 2>/dev/null',
    'for s in /proc/[0-9]*/task/[0-9]*/status; do while read -r k v; do [ "$k" = TracerPid: ] && echo "T $s $v"; done < "$s"; done 2>/dev/null',
    'exit 0',
  ].join('\n');
  const result = await remora(['exec', target, '--', 'sh', '-c', script]);
  if (result.exitCode !== 0) throw new Error(`looking at ${target} failed: ${result.stderr}`);
  const processes = new Map<number, { ppid: number; state: string; comm: string }>();
  const tracers = new Map<string, number>();
  let self = 0;
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('S ')) self = Number(line.slice(2));
    if (line.startsWith('P ')) {
      const stat = line.slice(2);
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      processes.set(Number(stat.slice(0, stat.indexOf(' '))), {
        ppid: Number(ppid),
        state: state!,
        comm: stat.slice(stat.indexOf('(') + 1, close),
      });
    } else if (line.startsWith('T ')) {
      const [, path, value] = line.split(' ');
      tracers.set(path!, Number(value));
    }
  }
  return { processes, tracers, self };
}

export const BUSYBOX_TOOLKIT = 'remora-test/busybox-toolkit:latest';

/**
 * A toolkit image with nothing but a static busybox (no strace, no GNU tools, no getconf):
 * what a user passing --toolkit-image busybox gets. Made from the real toolkit's own
 * /opt/remora/bin/busybox, so no registry is needed.
 */
export async function ensureBusyboxToolkit(engine: DockerEngine, target: { id: string; name: string }): Promise<string> {
  if (await engine.imageExists(BUSYBOX_TOOLKIT)) return BUSYBOX_TOOLKIT;
  const source = await toolkitOf(engine, target);
  const busybox = await fileFromArchive(await engine.getArchive(source, '/opt/remora/bin/busybox'));
  const tar = pack();
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, busybox);
  for (const applet of [
    'sh',
    'cat',
    'grep',
    'sleep',
    'ln',
    'chmod',
    'mkdir',
    'stat',
    'xargs',
    'readlink',
    'find',
    'ls',
    'true',
    'ps',
    'kill',
    'id',
  ]) {
    tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  }
  tar.entry({ name: 'run', type: 'directory', mode: 0o755 });
  tar.entry({ name: 'tmp', type: 'directory', mode: 0o1777 });
  tar.finalize();
  await engine.importImage(tar as unknown as Readable, BUSYBOX_TOOLKIT);
  return BUSYBOX_TOOLKIT;
}

/** The target's running general-profile toolkit, started if there is none. */
export async function toolkitOf(engine: DockerEngine, target: { id: string; name: string }): Promise<string> {
  const find = async () =>
    (await toolkitsOf(engine, target.id)).find(
      (c) =>
        c.state === 'running' &&
        c.labels['remora.profile'] === 'general' &&
        c.labels['remora.toolkit-image'] === TEST_IMAGES.toolkit &&
        c.labels['remora.ephemeral'] !== 'true',
    );
  const existing = await find();
  if (existing) return existing.id;
  const started = await remora(['exec', target.name, '--', 'true']);
  if (started.exitCode !== 0) throw new Error(`could not start a session on ${target.name}: ${started.stderr}`);
  return (await find())!.id;
}

async function fileFromArchive(archive: Readable): Promise<Buffer> {
  const untar = extract();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    untar.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', next);
      stream.resume();
    });
    untar.on('finish', resolve);
    untar.on('error', reject);
  });
  archive.pipe(untar);
  await done;
  return Buffer.concat(chunks);
}
