// Privilege profiles, named as in `kubectl debug --profile`. A toolkit starts from no
// capabilities and gets exactly what its profile lists: least privilege by default.
import { RemoraError } from './errors.js';

export type ProfileName = 'general' | 'restricted' | 'netadmin' | 'capture' | 'sysadmin';

export interface Profile {
  name: ProfileName;
  /** Capabilities added after dropping ALL. */
  capabilities: string[];
  privileged: boolean;
  summary: string;
  /** Said on stderr when a session with this profile starts. */
  warning?: string;
}

const GENERAL_CAPS = [
  'SYS_PTRACE', // strace, gdb, and reading /proc/<pid>/root, environ, fd of the target
  'CHOWN', // copy-in gives files to the target's user
  'FOWNER', // set modes and times on files the toolkit's root does not own
  'FSETID', // keep setuid/setgid bits when asked to
  'DAC_OVERRIDE', // write into directories owned by the target's non-root user
  'DAC_READ_SEARCH', // read files of the target whatever their mode
  'KILL', // send signals to the target's processes
  'SYS_CHROOT', // `remora shell --chroot`
];

export const PROFILES: Record<ProfileName, Profile> = {
  general: {
    name: 'general',
    capabilities: GENERAL_CAPS,
    privileged: false,
    summary: 'trace, inspect, copy files in and out, send signals, chroot; nothing else',
  },
  restricted: {
    name: 'restricted',
    capabilities: [],
    privileged: false,
    summary: 'no capabilities: process list, sockets, logs; no tracing, no /proc/<pid>/root, no file copy of a target not run by root',
  },
  netadmin: {
    name: 'netadmin',
    // SETUID/SETGID: tcpdump (and other network tools) open their sockets as root, then
    // drop to their own user before reading a packet; without them tcpdump refuses to run.
    // The packet dissectors then run without any capability.
    capabilities: [...GENERAL_CAPS, 'NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'],
    privileged: false,
    summary: 'general plus NET_ADMIN, NET_RAW, SETUID and SETGID: tcpdump, ip/tc changes, raw sockets',
  },
  capture: {
    name: 'capture',
    // What `remora capture` needs and nothing else: a packet socket (NET_RAW), promiscuous
    // mode (NET_ADMIN), and SETGID for tcpdump's `-Z root`, whose initgroups() needs it
    // even to stay root. tcpdump only writes raw pcap there (-w -): no dissector runs.
    capabilities: ['NET_RAW', 'NET_ADMIN', 'SETGID'],
    privileged: false,
    summary: 'NET_RAW, NET_ADMIN and SETGID: packet capture (remora capture) and nothing else',
  },
  sysadmin: {
    name: 'sysadmin',
    capabilities: [],
    privileged: true,
    summary: 'a privileged container: every capability, all devices, no seccomp or AppArmor confinement',
    warning:
      'the sysadmin profile runs the toolkit privileged: it can reach the host. Use it only when the other profiles cannot do the job.',
  },
};

export function profileByName(name: string): Profile {
  const profile = (PROFILES as Record<string, Profile | undefined>)[name];
  if (!profile) {
    throw new RemoraError('USAGE', `unknown profile "${name}"`, { hint: `choose one of: ${Object.keys(PROFILES).join(', ')}` });
  }
  return profile;
}
