import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { describeFailure } from '../../src/cli/edge.js';
import { parseDuration } from '../../src/core/duration.js';
import { buildProgram, COMMAND_NAMES, main } from '../../src/cli/main.js';
import { formatTable } from '../../src/core/text-table.js';
import { RemoraError } from '../../src/core/errors.js';
import { REMORA_VERSION } from '../../src/core/version.js';

describe('describeFailure', () => {
  it('prints one line, the candidates and the hint, with the documented exit code', () => {
    const error = new RemoraError('TARGET_AMBIGUOUS', '"a1" matches 2 containers by ID prefix', {
      hint: 'name one',
      details: ['a1x web', 'a1y api'],
    });
    expect(describeFailure(error, false)).toEqual({
      lines: ['remora: "a1" matches 2 containers by ID prefix', '  a1x web', '  a1y api', 'hint: name one'],
      exitCode: 3,
    });
  });

  it('maps engine and image failures to 4, exec start failures to 125', () => {
    expect(describeFailure(new RemoraError('ENGINE_UNREACHABLE', 'x'), false).exitCode).toBe(4);
    expect(describeFailure(new RemoraError('TOOLKIT_IMAGE_UNAVAILABLE', 'x'), false).exitCode).toBe(4);
    expect(describeFailure(new RemoraError('EXEC_FAILED', 'x'), false).exitCode).toBe(125);
    expect(describeFailure(new RemoraError('USAGE', 'x'), false).exitCode).toBe(2);
  });

  it('shows a stack only with --debug', () => {
    const plain = describeFailure(new Error('boom'), false);
    expect(plain.lines).toEqual([
      'remora: unexpected failure: boom',
      'hint: run again with --debug for details, and report it if it persists',
    ]);
    expect(describeFailure(new Error('boom'), true).lines[1]).toMatch(/at /);
  });
});

describe('parseDuration', () => {
  it('reads docker/kubectl style durations', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(() => parseDuration('ten minutes')).toThrow('"ten minutes" is not a duration');
  });
});

describe('printers', () => {
  it('aligns columns without padding the last one', () => {
    expect(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xx', 'y'],
          ['x', 'zz'],
        ],
      ),
    ).toBe('A   LONGER\nxx  y\nx   zz\n');
  });
});

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(REMORA_VERSION).toBe(pkg.version);
  });
});

describe('buildProgram', () => {
  it('registers every command (so help lists them and a typo gets a suggestion)', () => {
    expect(
      buildProgram()
        .commands.map((c) => c.name())
        .sort(),
    ).toEqual([...COMMAND_NAMES].sort());
  });

  it('registers only the command asked for (what main() builds when the first word names one)', () => {
    const program = buildProgram('exec');
    expect(program.commands.map((c) => c.name())).toEqual(['exec']);
    // Its options are still all there, the engine's included.
    expect(program.commands[0]?.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--rm', '--host', '--context', '--debug']));
  });
});

describe('main', () => {
  /** Runs each argv through main(); returns their exit codes and what went to stderr. */
  async function runEach(argvs: string[][]): Promise<{ exitCodes: Array<number | string | undefined>; stderr: string }> {
    const saved = process.exitCode;
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const exitCodes = [];
      for (const argv of argvs) {
        process.exitCode = undefined;
        await main(['node', 'remora', ...argv]);
        exitCodes.push(process.exitCode);
      }
      return { exitCodes, stderr: write.mock.calls.map((c) => String(c[0])).join('') };
    } finally {
      write.mockRestore();
      process.exitCode = saved;
    }
  }

  it("exits 2 on a usage error inside any command (a missing argument), not commander's 1", async () => {
    const { exitCodes, stderr } = await runEach([['ps'], ['exec'], ['strace'], ['cp', 'only-one']]);
    expect(exitCodes).toEqual([2, 2, 2, 2]);
    expect(stderr).toContain("missing required argument 'target'");
  });

  it("refuses session options on commands that open no session of the user's choosing", async () => {
    const { exitCodes, stderr } = await runEach([
      ['doctor', '--profile', 'netadmin'],
      ['toolkit', 'build', '--rm'],
      ['targets', '--idle', '1m'],
    ]);
    expect(exitCodes).toEqual([2, 2, 2]);
    expect(stderr).toContain("unknown option '--profile'");
  });
});
