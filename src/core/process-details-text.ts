// `remora proc`'s text for one process, also the TUI's details pane. Pure; every value from
// the target is made terminal-safe.
import { formatBytes } from './bytes.js';
import { PROCESS_STATE_NAMES } from './proc-parsers.js';
import type { ProcessDetails } from './process-details.js';
import { terminalSafe } from './target-text.js';
import { formatTable } from './text-table.js';

/** The text layout: a header of key facts, then one section per subject. */
export function formatProcessDetails(d: ProcessDetails): string {
  const out: string[] = [];
  const state = d.stateName || PROCESS_STATE_NAMES[d.state] || '';
  const facts: Array<[string, string]> = [
    ['pid', `${d.pid}${d.toolkit ? ' (a toolkit process)' : ''}`],
    ['name', d.name],
    ['state', `${d.state}${state ? ` (${state})` : ''}`],
    ['ppid', String(d.ppid)],
    ['started', d.startedAt],
    ['threads', String(d.threads)],
    ['rss', formatBytes(d.rssKiB * 1024, 'column')],
    ['executable', d.executable ?? unreadable(d)],
    ['cwd', d.cwd ?? unreadable(d)],
    ['root', d.root ?? unreadable(d)],
    ['command', d.command.length ? d.command.map(quoteArg).join(' ') : `[${d.name}]`],
    ['user', idLine(d.uid, d.user)],
    ['group', idLine(d.gid, d.group)],
    ['groups', d.groups.length ? d.groups.map((g) => (g.name ? `${g.id}(${g.name})` : String(g.id))).join(' ') : '-'],
    ['capabilities', capsLine(d.capabilities.effective)],
    ['  permitted', capsLine(d.capabilities.permitted)],
    ['  bounding', capsLine(d.capabilities.bounding)],
    ['  ambient', capsLine(d.capabilities.ambient)],
    ['seccomp', d.seccomp === undefined ? '-' : (['disabled', 'strict', 'filter'][d.seccomp] ?? String(d.seccomp))],
    ['no_new_privs', d.noNewPrivs === undefined ? '-' : d.noNewPrivs ? 'yes' : 'no'],
    ['traced by', d.tracerPid ? `pid ${d.tracerPid}` : 'nobody'],
    ['namespaces', d.namespaces.map((n) => `${n.type}${n.id.slice(n.id.indexOf(':'))}`).join(' ') || '-'],
    // cgroup v2 has one line; v1 one per hierarchy, listed below.
    ['cgroup', d.cgroups.length === 1 ? d.cgroups[0]! : d.cgroups.length === 0 ? '-' : `${d.cgroups.length} hierarchies (below)`],
  ];
  const width = Math.max(...facts.map(([k]) => k.length));
  // Every value but the numbers is the target's: shown as text, one line each.
  for (const [key, value] of facts) out.push(`${key.padEnd(width)}  ${terminalSafe(value)}`);

  out.push(
    '',
    d.environment
      ? `environment${d.maskedSecrets ? ` (${d.maskedSecrets} secret value${d.maskedSecrets === 1 ? '' : 's'} masked; --show-secrets shows them)` : ''}`
      : 'environment: not readable',
  );
  for (const [name, value] of d.environment ?? []) out.push(`  ${terminalSafe(name)}=${terminalSafe(value)}`);

  out.push('', d.fds ? `open files (${d.fds.length})` : 'open files: not readable');
  if (d.fds?.length)
    out.push(
      indent(
        formatTable(
          ['FD', 'WHAT'],
          d.fds.map((f) => [String(f.fd), f.description]),
        ),
      ),
    );

  if (d.cgroups.length > 1) {
    out.push('', 'cgroups');
    for (const line of d.cgroups) out.push(`  ${terminalSafe(line)}`);
  }

  out.push('', 'limits');
  if (d.limits.length) {
    out.push(
      indent(
        formatTable(
          ['LIMIT', 'SOFT', 'HARD', 'UNITS'],
          d.limits.map((l) => [l.name, String(l.soft), String(l.hard), l.units]),
        ),
      ),
    );
  }
  for (const line of d.unreadable) out.push(`note: ${terminalSafe(line)}`);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function unreadable(d: ProcessDetails): string {
  return d.unreadable.length ? '(not readable)' : '-';
}

function idLine(ids: ProcessDetails['uid'], name: string | undefined): string {
  const real = `${ids.real}${name ? ` (${name})` : ''}`;
  const others =
    ids.effective === ids.real && ids.saved === ids.real && ids.fs === ids.real
      ? ''
      : `  effective ${ids.effective}, saved ${ids.saved}, fs ${ids.fs}`;
  return real + others;
}

function capsLine(caps: string[]): string {
  return caps.length ? caps.map((c) => c.replace(/^CAP_/, '')).join(' ') : 'none';
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
