// Reads the start of a file of the target for the Files view's pager, in one exec round
// trip: its size and kind (remora-fs stat -L, resolved inside the target's root), what
// `file` says of it, and up to `maxBytes` of it. Only regular files are read, so a fifo or
// a device can never block the viewer (toolkit-scripts/preview-file.sh).
import { isUtf8 } from 'node:buffer';
import { RemoraError } from '../core/errors.js';
import { splitDump } from '../core/proc-dump.js';
import { decodeTargetBytes } from '../core/target-text.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';
import { helperFailure } from './fs-helper.js';

export interface FilePreview {
  /** The path asked for. */
  path: string;
  size: number;
  /** What `file` says: "ASCII text", "ELF 64-bit LSB executable, ...". */
  type: string;
  binary: boolean;
  /** The text (empty for binary files): at most maxBytes of the file. */
  text: string;
  truncated: boolean;
}

export async function previewFile(session: ToolkitSession, path: string, signal?: AbortSignal, maxBytes = 1 << 20): Promise<FilePreview> {
  const { cmd, env } = scriptExec('preview-file', [session.targetRoot, path, maxBytes]);
  const result = await session.run(cmd, { env, signal });
  if (result.exitCode !== 0)
    throw await helperFailure(result.exitCode, result.stderr, { session, targetName: session.target.name, direction: 'read', path });
  return parsePreview(path, result.stdout, maxBytes);
}

const DATA_TAG = Buffer.from('@data:');

/**
 * Reads the script's records (toolkit-scripts/preview-file.sh): @stat and @type, each
 * ended by a NUL (neither JSON nor `file` can hold one), then @data to the end. Pure.
 */
export function parsePreview(path: string, output: Buffer, maxBytes: number): FilePreview {
  const statEnd = output.indexOf(0);
  const typeEnd = statEnd < 0 ? -1 : output.indexOf(0, statEnd + 1);
  const [statRecord, typeRecord] = typeEnd < 0 ? [] : splitDump(output.subarray(0, typeEnd));
  const dataStart = typeEnd + 1 + DATA_TAG.length;
  if (statRecord?.path !== '@stat' || typeRecord?.path !== '@type' || !output.subarray(typeEnd + 1, dataStart).equals(DATA_TAG))
    throw new RemoraError('OPERATION_FAILED', `${path}: the toolkit's answer is incomplete`);
  const stat = JSON.parse(statRecord.content) as { type: string; size: number };
  const type = typeRecord.content.trim() || 'data';
  if (stat.type !== 'file') {
    return { path, size: stat.size, type: stat.type === 'dir' ? 'directory' : type, binary: true, text: '', truncated: false };
  }
  const bytes = output.subarray(dataStart);
  const truncated = stat.size > bytes.length && bytes.length >= maxBytes;
  // When `file` calls it text, it is shown as text: a label that says "ASCII text" must not
  // sit on a "binary file" verdict drawn from other bytes (a NUL far into a huge log, a
  // Latin-1 byte). Stray bytes are kept and the pager shows them as `?`.
  const binary = isTextType(type) ? false : looksBinary(bytes, truncated);
  return { path, size: stat.size, type, binary, text: binary ? '' : decodeTargetBytes(bytes), truncated };
}

/** What `file` says of text: "ASCII text", "UTF-8 Unicode text, with very long lines", "ISO-8859 text", "POSIX shell script, ASCII text executable", "JSON data"… */
export function isTextType(type: string): boolean {
  return /\btext\b|^JSON\b/i.test(type);
}

/** Binary: a NUL byte, or bytes that are not UTF-8 (a cut multi-byte character at the end is forgiven). */
export function looksBinary(bytes: Buffer, cut: boolean): boolean {
  if (bytes.includes(0)) return true;
  if (isUtf8(bytes)) return false;
  if (!cut) return true;
  for (let drop = 1; drop <= 3 && drop < bytes.length; drop++) if (isUtf8(bytes.subarray(0, bytes.length - drop))) return false;
  return true;
}
