// What `remora capture` asks of tcpdump, and what tcpdump's refusals mean. Pure.
import { RemoraError } from './errors.js';

export interface CaptureRequest {
  interface: string;
  count?: number;
  snaplen?: number;
  /** BPF filter words, passed to tcpdump as they are. */
  filter: string[];
}

export const CAPTURE_HELPER = 'remora-capture';

/**
 * tcpdump's arguments: pcap on stdout, flushed per packet (-U) so what has arrived is
 * complete whenever the capture stops. `-Z root` keeps tcpdump from switching users, which
 * would need SETUID as well (see the capture profile). `--` ends the options: a filter word
 * is never read as one.
 */
export function tcpdumpArgs(request: CaptureRequest): string[] {
  return [
    '-Z',
    'root',
    '-U',
    '-w',
    '-',
    '-i',
    request.interface,
    ...(request.count === undefined ? [] : ['-c', String(request.count)]),
    ...(request.snaplen === undefined ? [] : ['-s', String(request.snaplen)]),
    ...(request.filter.length ? ['--', ...request.filter] : []),
  ];
}

export function positiveInteger(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new RemoraError('USAGE', `${what} "${text}" is not a positive whole number`);
  return Number(text);
}

/**
 * tcpdump exited before writing a pcap header: it refused what it was given. Its own last
 * message says why; a filter or an interface it rejects is a usage error (exit 2), a
 * permission it lacks is a failure (exit 1).
 */
export function explainTcpdumpFailure(stderr: string, exitCode: number): RemoraError {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/[\x00-\x1f\x7f]/g, '').trim())
    .filter((l) => l && !/^tcpdump: (data link type|listening on)/.test(l) && !/^\(.*\)$/.test(l));
  const last = lines.at(-1)?.replace(/^tcpdump: /, '');
  if (!last) return new RemoraError('OPERATION_FAILED', `tcpdump failed (status ${exitCode}) before capturing anything`);
  if (/not permitted|permission denied/i.test(last)) {
    return new RemoraError('PERMISSION_DENIED', `tcpdump: ${last}`, {
      hint: 'the capture toolkit lacks a capability it needs: run `remora doctor`',
    });
  }
  return new RemoraError('USAGE', `tcpdump: ${last}`, {
    hint: 'check the filter (pcap-filter(7) syntax) and -i (remora exec TARGET -- ip link lists the interfaces)',
  });
}
