// `remora diff <target> [PATH]`: what the container changed against its image (A/C/D, as
// `docker diff` marks them), its mounts apart; with PATH, a unified diff of that file.
import { RemoraError } from '../../../core/errors.js';
import { resolveTarget } from '../../../core/target-resolution.js';
import { containerDiff, fileDiff, type ContainerDiff } from '../../../ops/diff.js';
import { printJson } from '../../printers.js';
import { openEngineContext } from '../../session-context.js';
import { typedArguments } from '../../typed-arguments.js';
import type { DiffOptions } from './command.js';

const MARK = { added: 'A', changed: 'C', deleted: 'D' } as const;

export async function diffCommand(query: string, path: string | undefined, options: DiffOptions): Promise<number> {
  await using context = await openEngineContext(options);
  if (query.startsWith('image:'))
    throw new RemoraError('USAGE', 'an image has no changes of its own: remora diff compares a container with its image', {
      hint: 'name a container (running or exited)',
    });
  const match = resolveTarget(query, context.listing, { allowStopped: true });
  const details = await context.engine.inspectContainer(match.id);
  if (path !== undefined) {
    // The path as typed, bytes that are not UTF-8 included (`caf\xe9.txt` is not `caf\xe8.txt`).
    const [, typed = path] = typedArguments([query, path]);
    const text = await fileDiff(context.engine, details, typed);
    if (options.json) printJson({ path: typed, same: text === '', diff: text });
    else process.stdout.write(text);
    return 0;
  }
  const diff = await containerDiff(context.engine, details);
  if (options.json) printJson(diff);
  else process.stdout.write(formatContainerDiff(diff));
  return 0;
}

export function formatContainerDiff(diff: ContainerDiff): string {
  const lines = diff.changes.map((c) => `${MARK[c.kind]} ${c.path}`);
  if (diff.mounts.length) {
    const width = Math.max(...diff.mounts.map((m) => m.destination.length));
    lines.push(
      'mounts, not from the image:',
      ...diff.mounts.map((m) => `  ${m.destination.padEnd(width)}  ${m.type}${m.source ? ` ${m.source}` : ''}`),
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
