// `remora attach <target>`: the TUI. Until the TUI lands, a shell in the session.
import { RemoraError } from '../../core/errors.js';
import type { GlobalOptions } from '../global-options.js';
import { shellCommand } from './shell.js';

export async function attachCommand(globals: GlobalOptions, query: string | undefined): Promise<number> {
  if (!query) throw new RemoraError('USAGE', 'name a target', { hint: 'remora targets lists them' });
  return shellCommand(globals, query, {});
}
