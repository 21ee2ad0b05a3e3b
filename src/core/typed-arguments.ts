// The command line as the bytes the user typed. Node decodes argv as UTF-8 and turns each
// byte that is not into U+FFFD, so `caf\xe9.txt` and `caf\xe8.txt` both read `caf\ufffd.txt`;
// the kernel's copy of the command line (/proc/self/cmdline) still holds them. Pure: the
// caller reads that file.
import { decodeTargetBytes } from './target-text.js';

/**
 * process.argv with each argument's exact bytes (bytes that are not UTF-8 kept as in
 * core/target-text.ts), taken from the NUL-separated command line. The arguments are its
 * last ones whatever ran them (node and its options, the bin/remora launcher, docker
 * running a CLI plugin); one whose bytes do not read as Node read it is left as it was.
 */
export function exactArgv(argv: readonly string[], cmdline: Buffer): string[] {
  const entries = splitCmdline(cmdline);
  const exact = [...argv];
  const offset = entries.length - argv.length;
  for (let i = 2; i < argv.length; i++) {
    const entry = offset + i >= 0 ? entries[offset + i] : undefined;
    if (entry !== undefined && entry.toString('utf8') === argv[i]) exact[i] = decodeTargetBytes(entry);
  }
  return exact;
}

function splitCmdline(cmdline: Buffer): Buffer[] {
  const entries: Buffer[] = [];
  let start = 0;
  for (let at = cmdline.indexOf(0); at >= 0; at = cmdline.indexOf(0, start)) {
    entries.push(cmdline.subarray(start, at));
    start = at + 1;
  }
  if (start < cmdline.length) entries.push(cmdline.subarray(start));
  return entries;
}

/**
 * The exact form of arguments a command received (commander hands them over in the
 * order they were typed): each is found in argv after the one before it, and takes the
 * exact bytes of that position. One not found (an option's `--name=value`) stays as it is.
 */
export function typedForm(values: readonly string[], argv: readonly string[], exact: readonly string[]): string[] {
  let next = 2;
  return values.map((value) => {
    for (let i = next; i < argv.length; i++) {
      if (argv[i] !== value) continue;
      next = i + 1;
      return exact[i] ?? value;
    }
    return value;
  });
}
