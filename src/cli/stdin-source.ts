// What stdin is, without creating process.stdin (a stream object, and a read of the file).
import { fstatSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';

export type StdinSource = 'terminal' | 'nothing' | 'data';

/**
 * A terminal; nothing (closed, or /dev/null: cron, CI, `</dev/null`), which a command
 * gets anyway when its stdin is not forwarded, as with `docker exec` without -i; or data
 * (a pipe or a file) to forward.
 */
export function stdinSource(): StdinSource {
  if (isatty(0)) return 'terminal';
  try {
    const stdin = fstatSync(0);
    if (stdin.isCharacterDevice() && stdin.rdev === statSync('/dev/null').rdev) return 'nothing';
    return 'data';
  } catch {
    return 'nothing';
  }
}
