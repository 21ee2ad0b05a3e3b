// What `remora entrypoint` needs of an executable: is it ELF, for which architecture, does
// it need a loader (PT_INTERP) and which libraries (DT_NEEDED, with RUNPATH/RPATH), or is it
// a script (`#!`). Pure: bytes in, facts out; a truncated or odd file gives what could be read.

export interface ElfInfo {
  kind: 'elf';
  bits: 32 | 64;
  /** Docker's name for the architecture (amd64, arm64, ...), or `machine-N` when unknown. */
  arch: string;
  /** ET_EXEC, ET_DYN (PIE or library)... as a word. */
  type: 'executable' | 'shared' | 'relocatable' | 'core' | 'other';
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; absent for a static program. */
  interpreter?: string;
  needed: string[];
  /** DT_RUNPATH, else DT_RPATH, split on ':' ($ORIGIN left for the caller). */
  runpath: string[];
}

export interface ScriptInfo {
  kind: 'script';
  interpreter: string;
  argument?: string;
}

export type ExecutableInfo = ElfInfo | ScriptInfo | { kind: 'other' };

/** e_machine to the architecture names images and engines use. */
const MACHINES: Record<number, string> = {
  3: '386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390x',
  40: 'arm',
  62: 'amd64',
  183: 'arm64',
  243: 'riscv64',
  258: 'loong64',
};

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

export function inspectExecutable(data: Buffer): ExecutableInfo {
  if (data.length >= 4 && data[0] === 0x7f && data.toString('latin1', 1, 4) === 'ELF') return parseElf(data);
  if (data.length >= 2 && data[0] === 0x23 && data[1] === 0x21) return parseShebang(data);
  return { kind: 'other' };
}

/** `#!/usr/bin/env python3 -u` as the kernel reads it: the interpreter, then one argument. */
export function parseShebang(data: Buffer): ScriptInfo | { kind: 'other' } {
  const end = data.indexOf(0x0a);
  const line = data.toString('utf8', 2, end < 0 ? Math.min(data.length, 256) : end).trim();
  const match = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return { kind: 'other' };
  return match[2] ? { kind: 'script', interpreter: match[1]!, argument: match[2].trim() } : { kind: 'script', interpreter: match[1]! };
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export function parseElf(data: Buffer): ElfInfo {
  const bits = data[4] === 2 ? 64 : 32;
  const little = data[5] !== 2;
  const u16 = (at: number): number => (little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number): number => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const word = (at: number): number => (bits === 64 ? Number(little ? data.readBigUInt64LE(at) : data.readBigUInt64BE(at)) : u32(at));
  const info: ElfInfo = { kind: 'elf', bits, arch: 'unknown', type: 'other', needed: [], runpath: [] };
  if (data.length < (bits === 64 ? 64 : 52)) return info;
  const machine = u16(18);
  info.arch = MACHINES[machine] ?? `machine-${machine}`;
  info.type = (['other', 'relocatable', 'executable', 'shared', 'core'] as const)[u16(16)] ?? 'other';

  const phoff = word(bits === 64 ? 32 : 28);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > data.length) break;
    segments.push(
      bits === 64
        ? { type: u32(at), offset: word(at + 8), vaddr: word(at + 16), filesz: word(at + 32) }
        : { type: u32(at), offset: u32(at + 4), vaddr: u32(at + 8), filesz: u32(at + 16) },
    );
  }
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp && interp.offset + interp.filesz <= data.length)
    info.interpreter = cString(data, interp.offset, interp.offset + interp.filesz);

  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (!dynamic) return info;
  const entrySize = bits === 64 ? 16 : 8;
  const entries: Array<[number, number]> = [];
  for (let at = dynamic.offset; at + entrySize <= Math.min(data.length, dynamic.offset + dynamic.filesz); at += entrySize) {
    const tag = word(at);
    if (tag === DT_NULL) break;
    entries.push([tag, word(at + entrySize / 2)]);
  }
  // DT_STRTAB is an address: find the loaded segment that holds it to get a file offset.
  const strtabAddress = entries.find(([tag]) => tag === DT_STRTAB)?.[1];
  const load =
    strtabAddress === undefined
      ? undefined
      : segments.find((s) => s.type === PT_LOAD && strtabAddress >= s.vaddr && strtabAddress < s.vaddr + s.filesz);
  if (strtabAddress === undefined || !load) return info;
  const strtab = load.offset + (strtabAddress - load.vaddr);
  const string = (offset: number): string => cString(data, strtab + offset, data.length);
  info.needed = entries.filter(([tag]) => tag === DT_NEEDED).map(([, value]) => string(value));
  const runpath = entries.find(([tag]) => tag === DT_RUNPATH) ?? entries.find(([tag]) => tag === DT_RPATH);
  if (runpath) info.runpath = string(runpath[1]).split(':').filter(Boolean);
  return info;
}

function cString(data: Buffer, start: number, limit: number): string {
  if (start >= data.length) return '';
  const nul = data.indexOf(0, start);
  return data.toString('utf8', start, nul < 0 || nul > limit ? Math.min(limit, data.length) : nul);
}

/** Architectures that run each other's programs natively (a 64-bit kernel runs 32-bit ones). */
export function archRuns(engineArch: string, programArch: string): boolean {
  if (engineArch === programArch) return true;
  return (engineArch === 'amd64' && programArch === '386') || (engineArch === 'arm64' && programArch === 'arm');
}

/** Where the dynamic loader looks by default, for an architecture (Debian's multiarch dirs included). */
export function defaultLibraryDirs(arch: string): string[] {
  const triplet: Record<string, string> = {
    amd64: 'x86_64-linux-gnu',
    arm64: 'aarch64-linux-gnu',
    '386': 'i386-linux-gnu',
    arm: 'arm-linux-gnueabihf',
    s390x: 's390x-linux-gnu',
    ppc64: 'powerpc64le-linux-gnu',
    riscv64: 'riscv64-linux-gnu',
  };
  const multiarch = triplet[arch];
  return [
    ...(multiarch ? [`/lib/${multiarch}`, `/usr/lib/${multiarch}`] : []),
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
    '/usr/local/lib',
  ];
}

/** Directories named in an ld.so.conf file, and its `include` patterns (resolved by the caller). */
export function parseLdSoConf(text: string): { dirs: string[]; includes: string[] } {
  const dirs: string[] = [];
  const includes: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const include = /^include\s+(.+)$/.exec(line);
    if (include) includes.push(...include[1]!.split(/\s+/));
    else dirs.push(...line.split(/[\s:,]+/).filter((d) => d.startsWith('/')));
  }
  return { dirs, includes };
}
