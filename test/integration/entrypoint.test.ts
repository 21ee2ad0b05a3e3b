// `remora entrypoint` on images that start and images that cannot, each for one reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { remora, testEngine } from '../support/fixtures.js';
import { TEST_IMAGES } from '../support/images.js';
import { brokenImages, crasherImage, type BrokenImages } from '../support/post-mortem-images.js';

let engine: DockerEngine;
let broken: BrokenImages;
let crasher: string;

beforeAll(async () => {
  engine = testEngine();
  [broken, crasher] = await Promise.all([brokenImages(), crasherImage()]);
});
afterAll(() => engine?.dispose());

describe('remora entrypoint', () => {
  it('says all is well for a static program and for a distroless one, and shows what runs', async () => {
    const scratch = await remora(['entrypoint', crasher]);
    expect(scratch).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'entrypoint  ["/crasher"]\ncmd         -\nuser        root (0:0)\nworkdir     /\nprogram     /crasher: ELF amd64, static\nok: nothing found that would stop it from starting\n',
    });
    const distroless = await remora(['entrypoint', `image:${TEST_IMAGES.distroless}`]);
    expect(distroless.exitCode).toBe(0);
    expect(distroless.stdout).toContain('program     /app: ELF amd64, dynamically linked (/lib64/ld-linux-x86-64.so.2; libc.so.6)\n');
    expect(distroless.stdout).toContain('user        65532:65532 (65532:65532)\nworkdir     /home/nonroot\n');
  });

  it('names a missing loader with the likely fix (exit 1)', async () => {
    const result = await remora(['entrypoint', broken.noLoader]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('problem: '))).toEqual([
      'problem: /app is dynamically linked, but the image has no /lib64/ld-linux-x86-64.so.2: build it statically (CGO_ENABLED=0 for Go, -static for C), or use a distroless base with libc',
    ]);
  });

  it('names a missing library', async () => {
    const result = await remora(['entrypoint', broken.noLibc, '--json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      argv: string[];
      program: { needed: string[] };
      problems: Array<{ message: string; fix: string }>;
    };
    expect(report.argv).toEqual(['/app']);
    expect(report.program.needed).toEqual(['libc.so.6']);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.message).toMatch(
      /^\/app needs libc\.so\.6, which is not in the image \(looked in \/lib\/x86_64-linux-gnu .*\)$/,
    );
  });

  it('names a user the image does not have', async () => {
    const result = await remora(['entrypoint', broken.unknownUser]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'problem: user "nonroot" is not in the image\'s /etc/passwd (there is none): the engine refuses to start it: use a numeric USER (e.g. USER 65532:65532), or add the user to /etc/passwd\n',
    );
  });

  it('names a script that is not executable and whose interpreter is missing', async () => {
    const result = await remora(['entrypoint', broken.script]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('problem: '))).toEqual([
      'problem: /run.sh is not executable for user 65532 (mode 0644, owner 0:0): make it executable in the Dockerfile (RUN chmod +x, or COPY --chmod=755)',
      'problem: /run.sh is a script for /bin/sh, which the image does not have: run a compiled program in exec form, or use a base image with that interpreter',
    ]);
  });

  it('says when there is no such container or image (exit 3)', async () => {
    expect(await remora(['entrypoint', 'image:remora-test/no-such-image'])).toMatchObject({
      exitCode: 3,
      stderr: 'remora: no image named "remora-test/no-such-image"\nhint: docker images lists the local images (Remora never pulls one)\n',
    });
  });
});
