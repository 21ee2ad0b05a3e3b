// The ELF facts `remora entrypoint` checks, read from real programs built here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archRuns, inspectExecutable, parseLdSoConf, parseShebang } from '../../src/core/elf.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'remora-elf-'));
  writeFileSync(join(dir, 'hello.c'), 'int main(void) { return 0; }\n');
  execFileSync('gcc', ['-static', '-o', join(dir, 'static'), join(dir, 'hello.c')]);
  execFileSync('gcc', [
    '-o',
    join(dir, 'dynamic'),
    join(dir, 'hello.c'),
    '-Wl,--no-as-needed',
    '-lm',
    '-Wl,-rpath,$ORIGIN/../lib:/opt/app/lib',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspectExecutable', () => {
  it('reads a static program: no loader, no libraries', () => {
    expect(inspectExecutable(readFileSync(join(dir, 'static')))).toEqual({
      kind: 'elf',
      bits: 64,
      arch: 'amd64',
      type: 'executable',
      needed: [],
      runpath: [],
    });
  });

  it('reads a dynamic program: its loader, its libraries in order, its RUNPATH', () => {
    const info = inspectExecutable(readFileSync(join(dir, 'dynamic')));
    expect(info).toMatchObject({
      kind: 'elf',
      bits: 64,
      arch: 'amd64',
      interpreter: '/lib64/ld-linux-x86-64.so.2',
      runpath: ['$ORIGIN/../lib', '/opt/app/lib'],
    });
    expect(info.kind === 'elf' && info.needed).toEqual(['libm.so.6', 'libc.so.6']);
  });

  it('reads node itself (a large PIE or executable with many libraries)', () => {
    const info = inspectExecutable(readFileSync(process.execPath));
    expect(info.kind).toBe('elf');
    expect(info.kind === 'elf' && info.needed).toContain('libc.so.6');
  });

  it('tells a cut-short ELF file from a broken one without throwing', () => {
    const info = inspectExecutable(readFileSync(join(dir, 'dynamic')).subarray(0, 200));
    expect(info).toMatchObject({ kind: 'elf', arch: 'amd64', needed: [] });
  });

  it('reads scripts by their #! line, and says "other" for anything else', () => {
    expect(inspectExecutable(Buffer.from('#!/bin/sh\necho hi\n'))).toEqual({ kind: 'script', interpreter: '/bin/sh' });
    expect(parseShebang(Buffer.from('#! /usr/bin/env  python3 -u\n'))).toEqual({
      kind: 'script',
      interpreter: '/usr/bin/env',
      argument: 'python3 -u',
    });
    expect(inspectExecutable(Buffer.from('hello'))).toEqual({ kind: 'other' });
  });
});

describe('archRuns', () => {
  it('runs the same architecture and 32-bit programs on their 64-bit kernels, not others', () => {
    expect([archRuns('amd64', 'amd64'), archRuns('amd64', '386'), archRuns('arm64', 'arm'), archRuns('amd64', 'arm64')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('parseLdSoConf', () => {
  it('gives directories and include patterns, without comments', () => {
    expect(parseLdSoConf('# libc default\ninclude /etc/ld.so.conf.d/*.conf\n/usr/local/lib\n/opt/a:/opt/b # two\n')).toEqual({
      dirs: ['/usr/local/lib', '/opt/a', '/opt/b'],
      includes: ['/etc/ld.so.conf.d/*.conf'],
    });
  });
});
