// `remora completion bash|zsh|fish`: prints that shell's script from completions/. Each is
// a thin shim over the hidden `remora __complete SHELL LINE` (see cli/completion.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemoraError } from '../../../core/errors.js';
import { packageDir } from '../../../session/toolkit-image.js';
import { SHELLS } from '../../completion.js';

export function completionCommand(shell: string): number {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new RemoraError('USAGE', `no completion for "${shell}"`, { hint: `remora completion ${SHELLS.join(', ')}` });
  }
  process.stdout.write(readFileSync(join(packageDir('completions'), `remora.${shell}`), 'utf8'));
  return 0;
}
