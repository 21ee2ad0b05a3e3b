// What `remora __complete` offers, from the commander definitions and a fake engine listing.
import { describe, expect, it } from 'vitest';
import { complete, forBash, formatCompletion, formatForCobra, splitLine, type LiveSource } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/main.js';

const live: LiveSource = {
  targetNames: async () => ['api', 'shop/web', 'web'],
  targetPaths: async (_engine, target, prefix) => (target === 'web' ? ['/data/', '/dev/'].filter((p) => p.startsWith(prefix)) : []),
};
const at = (line: string) => complete(buildProgram(), splitLine(line).slice(1), live);

describe('complete', () => {
  it('offers commands, then the options of the command', async () => {
    expect(await at('remora ')).toMatchObject({
      directive: 'words',
      words: expect.arrayContaining(['exec', 'attach', 'cp', 'completion']),
    });
    expect(await at('remora st')).toEqual({ directive: 'words', words: ['strace'] });
    expect((await at('remora ps --s')).words).toEqual(['--sort']);
    expect((await at('remora exec -')).words).toEqual(
      expect.arrayContaining(['--interactive', '-i', '--env', '-e', '--profile', '--toolkit-image']),
    );
    expect(await at('remora toolkit ')).toEqual({ directive: 'words', words: ['build'] });
  });

  it('offers the values of --profile and --sort, and files for --output', async () => {
    expect((await at('remora exec --profile ')).words).toEqual(['general', 'restricted', 'netadmin', 'capture', 'sysadmin']);
    expect((await at('remora ps app --sort c')).words).toEqual(['cpu']);
    expect(await at('remora strace app -o ')).toEqual({ directive: 'files', words: [] });
  });

  it('offers live targets where a target goes, after options and their values', async () => {
    expect((await at('remora exec ')).words).toEqual(['api', 'shop/web', 'web']);
    expect((await at('remora exec -u 1000 --profile netadmin w')).words).toEqual(['web']);
    expect((await at('remora --context prod ps s')).words).toEqual(['shop/web']);
    // The target is given: exec's command comes next, a local thing.
    expect(await at('remora exec web ')).toEqual({ directive: 'files', words: [] });
    expect(await at('remora proc web ')).toEqual({ directive: 'words', words: [] });
  });

  it('passes the engine chosen on the line to the listing', async () => {
    let asked: unknown;
    const asking: LiveSource = {
      ...live,
      targetNames: async (engine) => {
        asked = engine;
        return [];
      },
    };
    await complete(buildProgram(), splitLine('remora -H tcp://h:2375 exec --context=x ').slice(1), asking);
    expect(asked).toEqual({ host: 'tcp://h:2375', context: 'x' });
  });

  it('offers TARGET: for cp with local files, then the paths in the target', async () => {
    expect(await at('remora cp w')).toEqual({ directive: 'files', words: ['web:'] });
    expect(await at('remora cp ./out web:/d')).toEqual({ directive: 'words', words: ['web:/data/', 'web:/dev/'] });
    expect(await at('remora cp web:/da')).toEqual({ directive: 'words', words: ['web:/data/'] });
    expect(await at('remora cp api:/')).toEqual({ directive: 'words', words: [] });
  });

  it('offers the shells to completion', async () => {
    expect((await at('remora completion ')).words).toEqual(['bash', 'zsh', 'fish']);
  });
});

describe('splitLine', () => {
  it('splits as the shell does, the last word being the one under the cursor', () => {
    expect(splitLine('remora exec ')).toEqual(['remora', 'exec', '']);
    expect(splitLine(`remora cp "my file" 'a b':/x\\ y`)).toEqual(['remora', 'cp', 'my file', 'a b:/x y']);
  });
});

describe('forBash', () => {
  it('cuts the candidates where bash broke the word (: and =)', () => {
    expect(forBash({ directive: 'words', words: ['shop/web:'] }, 'shop/w')).toEqual({ directive: 'words', words: ['shop/web:'] });
    expect(forBash({ directive: 'words', words: ['--sort=cpu'] }, '--sort=c')).toEqual({ directive: 'words', words: ['cpu'] });
  });

  it("answers docker in cobra's format: candidates, then the directive number", () => {
    expect(formatForCobra({ directive: 'words', words: ['exec', 'ps'] })).toBe('exec\nps\n:4\n');
    expect(formatForCobra({ directive: 'files', words: ['web:'] })).toBe('web:\n:2\n');
    expect(formatForCobra({ directive: 'files', words: [] })).toBe(':0\n');
  });

  it('prints the directive, then one candidate a line', () => {
    expect(formatCompletion({ directive: 'files', words: ['a:', 'b:'] })).toBe(':files\na:\nb:\n');
  });
});
