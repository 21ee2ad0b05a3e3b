// Paths as typed: the exact bytes of a command's arguments (core/typed-arguments.ts), read
// from /proc/self/cmdline only when Node lost some (a U+FFFD in one of them).
import { readFileSync } from 'node:fs';
import { exactArgv, typedForm } from '../core/typed-arguments.js';

/** The arguments with the bytes the user typed, where they were not UTF-8; else as given. */
export function typedArguments(values: string[]): string[] {
  if (!values.some((value) => value.includes('\ufffd'))) return values;
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return values; // not Linux: Node's reading is all there is
  }
  return typedForm(values, process.argv, exactArgv(process.argv, cmdline));
}
