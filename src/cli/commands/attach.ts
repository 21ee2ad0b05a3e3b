// `remora attach <target>`: the TUI. Until the TUI lands, a shell in the session.
import type { GlobalOptions } from '../global-options.js';
import { shellCommand } from './shell.js';

export async function attachCommand(globals: GlobalOptions, query: string): Promise<number> {
  return shellCommand(globals, query, {});
}
