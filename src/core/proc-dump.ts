// Reads the dumps that Remora's toolkit scripts make of /proc: `grep -azsH '' FILES...`
// writes every file as "PATH:CONTENT\0" (and a NUL-separated file such as cmdline as one
// record per argument), so any content short of a NUL byte is framed safely, files that
// vanish mid-listing are simply absent, and one grep process reads thousands of files.
// The scripts add their own records as "@NAME:VALUE\0". Pure.

import { decodeTargetBytes } from './target-text.js';

export interface DumpRecord {
  /** "/proc/12/stat", or "@name" for a record the script wrote itself. */
  path: string;
  content: string;
}

/** Splits a dump into records, in order. Content is decoded as UTF-8, invalid bytes kept (core/target-text.ts). */
export function splitDump(dump: Buffer | string): DumpRecord[] {
  const text = typeof dump === 'string' ? dump : decodeTargetBytes(dump);
  const records: DumpRecord[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\0', start);
    if (end < 0) end = text.length;
    const record = text.slice(start, end);
    start = end + 1;
    // Paths never hold ':' (they are /proc/<pid>/<file> or a root we chose), so the first
    // ':' ends the path whatever the content holds.
    const colon = record.indexOf(':');
    if (colon <= 0) continue;
    records.push({ path: record.slice(0, colon), content: record.slice(colon + 1) });
  }
  return records;
}

const PROC_FILE = /^\/proc\/(\d+)\/(.+)$/;

/** "/proc/12/status" → { pid: 12, file: "status" }; undefined for other paths. */
export function procFileOf(path: string): { pid: number; file: string } | undefined {
  const m = PROC_FILE.exec(path);
  return m ? { pid: Number(m[1]), file: m[2]! } : undefined;
}

/**
 * Per-pid files from a run of records: single-record files keep their content; files that
 * come as several records (cmdline, environ: one per NUL-separated item) are joined back
 * with NUL, so the parsers see exactly what the kernel wrote.
 */
export function groupByPid(records: DumpRecord[]): Map<number, Map<string, string>> {
  const byPid = new Map<number, Map<string, string>>();
  for (const record of records) {
    const where = procFileOf(record.path);
    if (!where) continue;
    let files = byPid.get(where.pid);
    if (!files) {
      files = new Map();
      byPid.set(where.pid, files);
    }
    const previous = files.get(where.file);
    files.set(where.file, previous === undefined ? record.content : `${previous}\0${record.content}`);
  }
  return byPid;
}
