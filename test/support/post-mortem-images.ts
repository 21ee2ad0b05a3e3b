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
  const tag = `remora-test/crasher:${createHash('sha256').update(await readFile(source)).digest('hex').slice(0, 12)}`;
  if ((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0) return tag;
  const dir = await mkdtemp(join(tmpdir(), 'remora-crasher-'));
  try {
    await execa('gcc', ['-static', '-O2', '-o', join(dir, 'crasher'), source]);
    await execa('mkdir', ['-p', join(dir, 'root/etc'), join(dir, 'root/data')]);
    await execa('cp', [join(dir, 'crasher'), join(dir, 'root/crasher')]);
    await execa('sh', ['-c', 'tar -C "$1" -c . | docker import --change \'ENTRYPOINT ["/crasher"]\' --change \'ENV CRASHER_MODE=test\' - "$2"', 'sh', join(dir, 'root'), tag]);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
