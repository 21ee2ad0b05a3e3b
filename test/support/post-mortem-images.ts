// Images for post-mortem tests, made as the scratch images of the real world are: a
// program compiled on this machine, put in a tar with nothing else, and `docker import`ed.
// Tagged by a hash of their sources, so a run builds them once and later runs reuse them.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const FIXTURES = fileURLToPath(new URL('../fixtures/post-mortem/', import.meta.url));

/**
 * `remora-test/crasher:<hash>`: a static program FROM scratch (no shell, no libc) that writes
 * /crash.log and /data/seen.txt, fails to open /etc/app.yaml and exits 3.
 */
export async function crasherImage(): Promise<string> {
  const source = join(FIXTURES, 'crasher.c');
  const tag = `remora-test/crasher:${createHash('sha256')
    .update(await readFile(source))
    .digest('hex')
    .slice(0, 12)}`;
  if ((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0) return tag;
  const dir = await mkdtemp(join(tmpdir(), 'remora-crasher-'));
  try {
    await execa('gcc', ['-static', '-O2', '-o', join(dir, 'crasher'), source]);
    await execa('mkdir', ['-p', join(dir, 'root/etc'), join(dir, 'root/data')]);
    await execa('cp', [join(dir, 'crasher'), join(dir, 'root/crasher')]);
    await execa('sh', [
      '-c',
      'tar -C "$1" -c . | docker import --change \'ENTRYPOINT ["/crasher"]\' --change \'ENV CRASHER_MODE=test\' - "$2"',
      'sh',
      join(dir, 'root'),
      tag,
    ]);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Images that cannot start, each for one reason `remora entrypoint` names. */
export interface BrokenImages {
  /** A dynamically linked /app FROM scratch: no loader. */
  noLoader: string;
  /** The loader is there, libc is not. */
  noLibc: string;
  /** USER nonroot with no /etc/passwd. */
  unknownUser: string;
  /** ENTRYPOINT a #!/bin/sh script that is not executable, and no /bin/sh. */
  script: string;
}

export async function brokenImages(): Promise<BrokenImages> {
  const source = join(FIXTURES, 'crasher.c');
  const hash = createHash('sha256')
    .update(await readFile(source))
    .update('broken-1')
    .digest('hex')
    .slice(0, 12);
  const tags: BrokenImages = {
    noLoader: `remora-test/no-loader:${hash}`,
    noLibc: `remora-test/no-libc:${hash}`,
    unknownUser: `remora-test/unknown-user:${hash}`,
    script: `remora-test/script:${hash}`,
  };
  const missing = [];
  for (const tag of Object.values(tags))
    if ((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode !== 0) missing.push(tag);
  if (missing.length === 0) return tags;
  const dir = await mkdtemp(join(tmpdir(), 'remora-broken-'));
  const sh = (script: string, ...args: string[]) => execa('sh', ['-c', script, 'sh', ...args]);
  try {
    await execa('gcc', ['-O2', '-o', join(dir, 'dynamic'), source]);
    await execa('gcc', ['-static', '-O2', '-o', join(dir, 'static'), source]);
    const importAs = (root: string, tag: string, ...changes: string[]) =>
      sh(`tar -C "$1" -c . | docker import ${changes.map((_, i) => `--change "$${i + 3}"`).join(' ')} - "$2"`, root, tag, ...changes);
    await sh('mkdir -p "$1/a" && cp "$1/dynamic" "$1/a/app"', dir);
    await importAs(join(dir, 'a'), tags.noLoader, 'ENTRYPOINT ["/app"]');
    await sh('mkdir -p "$1/b/lib64" && cp "$1/dynamic" "$1/b/app" && cp -L /lib64/ld-linux-x86-64.so.2 "$1/b/lib64/"', dir);
    await importAs(join(dir, 'b'), tags.noLibc, 'ENTRYPOINT ["/app"]');
    await sh('mkdir -p "$1/c" && cp "$1/static" "$1/c/app"', dir);
    await importAs(join(dir, 'c'), tags.unknownUser, 'ENTRYPOINT ["/app"]', 'USER nonroot');
    await sh('mkdir -p "$1/d" && printf "#!/bin/sh\\nexec /app\\n" > "$1/d/run.sh" && chmod 644 "$1/d/run.sh"', dir);
    await importAs(join(dir, 'd'), tags.script, 'ENTRYPOINT ["/run.sh"]', 'USER 65532');
    return tags;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
