// `remora exec` reads its arguments as `docker exec` does; the cases are docker's own.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execInvocation, parseEnvFile, parseEnvFlag, type ExecInvocation } from '../../src/cli/commands/exec/args.js';
import type { ExecCommand } from '../../src/cli/commands/exec/command.js';
import { buildProgram } from '../../src/cli/main.js';

async function parse(...args: string[]): Promise<ExecInvocation> {
  const argv = ['node', 'remora', 'exec', ...args];
  const program = buildProgram();
  const exec = program.commands.find((c) => c.name() === 'exec') as ExecCommand;
  let parsed: ExecInvocation | undefined;
  exec.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  exec.action((...actionArgs: unknown[]) => {
    parsed = execInvocation(actionArgs[actionArgs.length - 1] as ExecCommand);
  });
  await program.parseAsync(argv);
  if (!parsed) throw new Error('exec did not run');
  return parsed;
}

describe('remora exec arguments', () => {
  it('takes -e before the target, one value each (the target is not a second value)', async () => {
    expect(await parse('-e', 'FOO=bar', 'app', '--', 'env')).toEqual({ query: 'app', cmd: ['env'], flags: { env: ['FOO=bar'] } });
    expect((await parse('-e', 'A=1', '-e', 'B=2', 'app', 'env')).flags.env).toEqual(['A=1', 'B=2']);
    expect((await parse('--env=A=1=2', '-eB=', 'app', 'env')).flags.env).toEqual(['A=1=2', 'B=']);
  });

  it('takes options between the target and --, as before it', async () => {
    expect(await parse('app', '-e', 'FOO=bar', '--', 'env')).toEqual({ query: 'app', cmd: ['env'], flags: { env: ['FOO=bar'] } });
    expect(await parse('-e', 'A=1', 'app', '-e', 'B=2', '-u', '1000:1000', '-w', '/srv', '--', 'id')).toEqual({
      query: 'app',
      cmd: ['id'],
      flags: { env: ['A=1', 'B=2'], user: '1000:1000', workdir: '/srv' },
    });
  });

  it('starts the command at the first word after the target, or after --, and never reads options in it', async () => {
    expect((await parse('app', 'ls', '-l')).cmd).toEqual(['ls', '-l']);
    expect((await parse('app', 'ls', '--', '-la')).cmd).toEqual(['ls', '--', '-la']);
    expect((await parse('app', '--', 'sh', '-c', 'echo -e x')).cmd).toEqual(['sh', '-c', 'echo -e x']);
    expect((await parse('app', '--', '-e', 'x')).cmd).toEqual(['-e', 'x']);
    expect((await parse('app', '--', '--', 'x')).cmd).toEqual(['--', 'x']);
    expect(await parse('--', 'app', 'ls')).toEqual({ query: 'app', cmd: ['ls'], flags: {} });
  });

  it('reads -i and -t alone, together and combined, as docker does', async () => {
    expect((await parse('-i', 'app', 'cat')).flags).toEqual({ interactive: true });
    expect((await parse('-t', 'app', 'top')).flags).toEqual({ tty: true });
    expect((await parse('-it', 'app', 'sh')).flags).toEqual({ interactive: true, tty: true });
    expect((await parse('app', '-ti', '--', 'sh')).flags).toEqual({ interactive: true, tty: true });
    expect((await parse('--interactive', '--tty', 'app', 'sh')).flags).toEqual({ interactive: true, tty: true });
    expect((await parse('app', 'cat')).flags.interactive).toBeUndefined();
  });

  it('reads -u as a name, a uid or uid:gid, and -w as an absolute directory', async () => {
    expect((await parse('-u', 'nobody', 'app', 'id')).flags.user).toBe('nobody');
    expect((await parse('--user=65532:65532', 'app', 'id')).flags.user).toBe('65532:65532');
    expect((await parse('-w', '/usr/local/bin', 'app', 'pwd')).flags.workdir).toBe('/usr/local/bin');
    await expect(parse('-w', 'usr/local', 'app', 'pwd')).rejects.toThrow('"usr/local" is not an absolute path of the target');
  });

  it('refuses an empty variable name and an unknown option with one line', async () => {
    await expect(parse('-e', '=bar', 'app', 'env')).rejects.toThrow('"=bar" is not KEY=VALUE');
    await expect(parse('app', '-e', '=bar', '--', 'env')).rejects.toThrow('"=bar" is not KEY=VALUE');
    await expect(parse('app', '--bogus', '--', 'env')).rejects.toThrow('unknown option --bogus for remora exec');
  });

  it('takes a bare KEY from the local environment, and leaves it out when unset there', () => {
    expect(parseEnvFlag('HOME', { HOME: '/root' })).toBe('HOME=/root');
    expect(parseEnvFlag('EMPTY', { EMPTY: '' })).toBe('EMPTY=');
    expect(parseEnvFlag('UNSET', {})).toBeUndefined();
    expect(parseEnvFlag('A=b', {})).toBe('A=b');
  });

  it('reads --env-file as docker does, -e after it winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remora-env-'));
    try {
      const file = join(dir, 'app.env');
      writeFileSync(file, '# settings\nA=1\n\n  B="quoted stays"\nA=2\n');
      expect((await parse('--env-file', file, 'app', '-e', 'A=3', '--', 'env')).flags.env).toEqual([
        'A=1',
        'B="quoted stays"',
        'A=2',
        'A=3',
      ]);
      await expect(parse('--env-file', join(dir, 'missing.env'), 'app', 'env')).rejects.toThrow('cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses env files: comments, blank lines, names alone from the local environment, no whitespace in names', () => {
    expect(parseEnvFile('\uFEFFX=1\r\n#c\n HOME\nUNSET\nY= spaced \n', { HOME: '/root' })).toEqual(['X=1', 'HOME=/root', 'Y= spaced ']);
    expect(() => parseEnvFile('MY VAR=1\n', {})).toThrow('variable "MY VAR" contains whitespace');
  });
});
