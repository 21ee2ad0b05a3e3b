import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactArgv, typedForm } from '../../src/core/typed-arguments.js';
import { helperCommand, FS_HELPER } from '../../src/ops/fs-helper.js';
import { decodeTargetBytes } from '../../src/core/target-text.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const cmdline = (...args: Array<string | Buffer>) =>
  Buffer.concat(args.flatMap((a) => [typeof a === 'string' ? Buffer.from(a) : a, Buffer.of(0)]));

/** What node itself makes of argument bytes, and what the kernel keeps: a real capture, per run. */
function nodeReading(args: Buffer[]): { argv: string[]; cmdline: Buffer } {
  const octal = (arg: Buffer) => [...arg].map((b) => `\\${b.toString(8)}`).join('');
  const dir = mkdtempSync(join(tmpdir(), 'remora-argv-'));
  try {
    const program = join(dir, 'print.cjs');
    writeFileSync(
      program,
      `process.stdout.write(JSON.stringify({ argv: process.argv, cmdline: require('fs').readFileSync('/proc/self/cmdline').toString('hex') }))`,
    );
    const script = `exec node "$0" ${args.map((arg) => `"$(printf '${octal(arg)}')"`).join(' ')}`;
    const out = JSON.parse(execFileSync('sh', ['-c', script, program], { encoding: 'utf8' })) as { argv: string[]; cmdline: string };
    return { argv: out.argv, cmdline: Buffer.from(out.cmdline, 'hex') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('exactArgv', () => {
  it("recovers the bytes node turned into U+FFFD, from node's own argv and cmdline", () => {
    const typed = [latin1('caf\xe9.txt'), latin1('caf\xe8.txt'), latin1('a\xf0\x9f\x98b'), latin1('\xed\xa0\x80x'), Buffer.from('plain é')];
    const { argv, cmdline: line } = nodeReading(typed);
    expect(argv[2]).toBe('caf\ufffd.txt');
    expect(argv[3]).toBe(argv[2]);
    const given = exactArgv(argv, line).slice(2);
    expect(given).toEqual(typed.map((t) => decodeTargetBytes(t)));
    expect(given[0]).not.toBe(given[1]);
  });

  it('aligns from the end: the launcher (node remora.cjs ARGS) and a docker plugin (node remora.cjs --context x remora ARGS)', () => {
    const argv = ['/usr/bin/node', '/opt/remora/bin/remora.cjs', '--context', 'x', 'remora', 'cp', 'app:/caf\ufffd', '.'];
    const line = cmdline(
      'node',
      '--max-old-space-size=100',
      '/opt/remora/bin/remora.cjs',
      '--context',
      'x',
      'remora',
      'cp',
      latin1('app:/caf\xe9'),
      '.',
    );
    expect(exactArgv(argv, line)).toEqual([...argv.slice(0, 6), 'app:/caf\udce9', '.']);
  });

  it('leaves an argument alone when the command line does not read as node read it', () => {
    const argv = ['node', 'remora.cjs', 'cp', 'a\ufffd', 'b'];
    expect(exactArgv(argv, cmdline('node', 'remora.cjs', 'cp', latin1('x\xe9'), 'b'))).toEqual(argv);
    expect(exactArgv(argv, cmdline('cp'))).toEqual(argv);
    expect(exactArgv(argv, Buffer.alloc(0))).toEqual(argv);
  });
});

describe('typedForm', () => {
  const argv = ['node', 'remora.cjs', '--host', 'h', 'cp', '--verify', 'app:/caf\ufffd', 'app:/caf\ufffd', 'out'];
  const exact = [...argv.slice(0, 6), 'app:/caf\udce9', 'app:/caf\udce8', 'out'];

  it('gives each value the bytes of its own position, in order, twins apart', () => {
    expect(typedForm(['app:/caf\ufffd', 'app:/caf\ufffd', 'out'], argv, exact)).toEqual(['app:/caf\udce9', 'app:/caf\udce8', 'out']);
  });

  it('keeps a value it does not find', () => {
    expect(typedForm(['--owner=1:1', 'app:/caf\ufffd'], argv, exact)).toEqual(['--owner=1:1', 'app:/caf\udce9']);
  });
});

describe('helperCommand', () => {
  it('passes UTF-8 paths as they are', () => {
    expect(helperCommand({ command: 'stat', flags: ['-L'], root: '/proc/1/root', paths: ['/data/café'] })).toEqual([
      FS_HELPER,
      'stat',
      '-L',
      '/proc/1/root',
      '/data/café',
    ]);
  });

  it('passes every path in hex (-x) when one is not UTF-8', () => {
    expect(helperCommand({ command: 'unpack', flags: ['-p', '1'], root: '/proc/1/root', paths: ['/d', 'caf\udce9'] })).toEqual([
      FS_HELPER,
      '-x',
      'unpack',
      '-p',
      '1',
      '/proc/1/root',
      '2f64',
      '636166e9',
    ]);
  });
});
