// `remora entrypoint <target|image>`: what it runs at start and what would stop it from
// starting, one line per problem with its likely fix; exit 1 when there is one.
import { EXIT } from '../../../core/errors.js';
import { checkEntrypoint, type EntrypointReport } from '../../../ops/entrypoint.js';
import { lookUpProgramSource } from '../../../session/target-lookup.js';
import { printJson } from '../../printers.js';
import { openEngineContext } from '../../session-context.js';
import type { EntrypointOptions } from './command.js';

export async function entrypointCommand(query: string, options: EntrypointOptions): Promise<number> {
  await using context = await openEngineContext(options);
  const target = await lookUpProgramSource(context.engine, query, context.listing);
  const imageArch =
    target.architecture ??
    (target.source.kind === 'container' ? (await context.engine.inspectImage(target.imageId ?? target.image))?.architecture : undefined);
  const report = await checkEntrypoint({
    engine: context.engine,
    source: target.source.kind === 'container' ? { kind: 'container', id: target.source.id } : { kind: 'image', ref: target.source.id },
    config: target.config,
    imageArch,
  });
  if (options.json) printJson({ target: target.source.name, ...report });
  else process.stdout.write(formatEntrypointReport(report));
  return report.problems.length ? EXIT.FAILED : EXIT.OK;
}

export function formatEntrypointReport(report: EntrypointReport): string {
  const list = (words: string[]): string => (words.length ? JSON.stringify(words) : '-');
  const program = report.program;
  const what = !program
    ? '-'
    : program.kind === 'elf'
      ? `ELF ${program.arch}, ${program.interpreter ? `dynamically linked (${program.interpreter}${program.needed?.length ? `; ${program.needed.join(' ')}` : ''})` : 'static'}`
      : program.kind === 'script'
        ? `script for ${program.interpreter}`
        : 'unknown format';
  const lines = [
    ['entrypoint', list(report.entrypoint)],
    ['cmd', list(report.cmd)],
    ['user', report.user ? `${report.user}${report.uid !== null ? ` (${report.uid}:${report.gid})` : ''}` : `root (0:0)`],
    ['workdir', report.workingDir],
    ['program', program ? `${program.path}${program.resolved !== program.path ? ` -> ${program.resolved}` : ''}: ${what}` : '-'],
  ].map(([label, value]) => `${label!.padEnd(11)} ${value}\n`);
  const verdict = report.problems.length
    ? report.problems.map((p) => `problem: ${p.message}: ${p.fix}\n`)
    : ['ok: nothing found that would stop it from starting\n'];
  return [...lines, ...verdict].join('');
}
