// The process as Remora shows it (ps, the TUI's process pane), assembled from /proc by the
// parsers in proc-parsers.ts.

export interface ProcessInfo {
  /** As seen in the target's pid namespace (the toolkit shares it). */
  pid: number;
  ppid: number;
  /** Real uid. */
  uid: number;
  /** The name for uid in the target's /etc/passwd, when it has one. */
  user?: string;
  /** One letter from /proc/<pid>/stat: R, S, D, Z, T, t, X, I. */
  state: string;
  threads: number;
  rssKiB: number;
  /** Clock ticks after boot (stat field 22); with /proc/uptime and CLK_TCK gives the start time. */
  startTicks: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  comm: string;
  /** argv; empty for kernel threads and zombies, one element when a process rewrote its title. */
  command: string[];
}
