// Every key the TUI answers to, as data: the dispatcher looks keys up here, the footer shows
// the current view's first few, and the `?` help view renders the whole table. Adding a key
// means adding a row. Pure.

export const VIEWS = ['processes', 'files', 'trace', 'network', 'logs', 'shell'] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewId, string> = {
  processes: 'Processes',
  files: 'Files',
  trace: 'Trace',
  network: 'Network',
  logs: 'Logs',
  shell: 'Shell',
};

export type Action =
  // everywhere
  | 'quit'
  | 'help'
  | 'nextView'
  | 'previousView'
  | 'shell'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'filter'
  | 'back'
  | 'pause'
  | 'refresh'
  // processes
  | 'details'
  | 'sortCpu'
  | 'sortMemory'
  | 'sortPid'
  | 'sortName'
  | 'invertSort'
  | 'tree'
  | 'signal'
  | 'trace'
  // files
  | 'open'
  | 'parent'
  | 'download'
  | 'upload'
  | 'diff'
  // network
  | 'forward'
  | 'capture'
  // trace
  | 'counts'
  | 'save'
  | 'classFilter'
  | 'stopTrace'
  // pagers and logs
  | 'search'
  | 'nextMatch'
  | 'previousMatch';

export type Scope = 'global' | ViewId | 'pager';

export interface KeyBinding {
  /** blessed key names: 'q', 'C-c', 'enter', 'S-tab', '/'. */
  keys: string[];
  action: Action;
  scope: Scope;
  /** What the help view says. */
  help: string;
  /** Short label for the footer; rows without one appear only in help. */
  footer?: string;
}

export const KEYMAP: readonly KeyBinding[] = [
  {
    keys: ['q', 'C-c'],
    action: 'quit',
    scope: 'global',
    help: 'quit (the session is left to its idle timer, or removed with --rm)',
    footer: 'quit',
  },
  { keys: ['?'], action: 'help', scope: 'global', help: 'this help', footer: 'help' },
  { keys: ['tab'], action: 'nextView', scope: 'global', help: 'next view (1-6 jump to a view)' },
  { keys: ['S-tab'], action: 'previousView', scope: 'global', help: 'previous view' },
  {
    keys: ['!'],
    action: 'shell',
    scope: 'global',
    help: "a shell in the target's toolkit (the TUI comes back when it exits)",
    footer: 'shell',
  },
  { keys: ['up'], action: 'up', scope: 'global', help: 'move up' },
  { keys: ['down'], action: 'down', scope: 'global', help: 'move down' },
  { keys: ['pageup', 'C-b'], action: 'pageUp', scope: 'global', help: 'page up' },
  { keys: ['pagedown', 'C-f', 'space'], action: 'pageDown', scope: 'global', help: 'page down' },
  { keys: ['home', 'g'], action: 'top', scope: 'global', help: 'first line' },
  { keys: ['end', 'G'], action: 'bottom', scope: 'global', help: 'last line (the trace and logs follow again)' },

  { keys: ['enter'], action: 'details', scope: 'processes', help: 'details of the process (secrets masked)', footer: 'details' },
  { keys: ['/'], action: 'filter', scope: 'processes', help: 'filter by pid, user or command', footer: 'filter' },
  { keys: ['P'], action: 'sortCpu', scope: 'processes', help: 'sort by %CPU', footer: 'cpu' },
  { keys: ['M'], action: 'sortMemory', scope: 'processes', help: 'sort by memory (RSS)', footer: 'mem' },
  { keys: ['N'], action: 'sortPid', scope: 'processes', help: 'sort by PID' },
  { keys: ['A'], action: 'sortName', scope: 'processes', help: 'sort by name' },
  { keys: ['I'], action: 'invertSort', scope: 'processes', help: 'invert the sort order' },
  { keys: ['t'], action: 'tree', scope: 'processes', help: 'tree view on/off', footer: 'tree' },
  { keys: ['s'], action: 'trace', scope: 'processes', help: 'trace the selected process (opens Trace)', footer: 'strace' },
  { keys: ['k'], action: 'signal', scope: 'processes', help: 'send a signal to the selected process (asks first)', footer: 'signal' },
  { keys: ['p'], action: 'pause', scope: 'processes', help: 'pause/resume the 2 s refresh', footer: 'pause' },
  { keys: ['r'], action: 'refresh', scope: 'processes', help: 'refresh now' },
  { keys: ['escape'], action: 'back', scope: 'processes', help: 'clear the filter' },

  {
    keys: ['enter', 'right', 'l'],
    action: 'open',
    scope: 'files',
    help: 'enter a directory, view a file, follow a symlink',
    footer: 'open',
  },
  { keys: ['backspace', 'left', 'h', 'escape'], action: 'parent', scope: 'files', help: 'parent directory', footer: 'up' },
  { keys: ['d'], action: 'download', scope: 'files', help: 'download the selection to a local path', footer: 'download' },
  { keys: ['u'], action: 'upload', scope: 'files', help: 'upload a local file or directory here', footer: 'upload' },
  {
    keys: ['D'],
    action: 'diff',
    scope: 'files',
    help: "the selected file against the image's version (marks: A added, C changed, D deleted, dimmed)",
    footer: 'diff',
  },
  { keys: ['/'], action: 'filter', scope: 'files', help: 'filter names (fuzzy)', footer: 'filter' },
  { keys: ['r'], action: 'refresh', scope: 'files', help: 'list the directory again' },

  { keys: ['p'], action: 'pause', scope: 'trace', help: 'pause/resume the display (counts keep counting)', footer: 'pause' },
  {
    keys: ['/'],
    action: 'filter',
    scope: 'trace',
    help: 'filter by syscall name (e.g. open,read) or class (file, network, process, memory)',
    footer: 'filter',
  },
  {
    keys: ['f'],
    action: 'classFilter',
    scope: 'trace',
    help: 'cycle the class filter: all, file, network, process, memory',
    footer: 'class',
  },
  { keys: ['c'], action: 'counts', scope: 'trace', help: 'counts by syscall on/off', footer: 'counts' },
  { keys: ['w'], action: 'save', scope: 'trace', help: 'write what is shown to a local file', footer: 'save' },
  { keys: ['s'], action: 'stopTrace', scope: 'trace', help: 'stop the trace / trace the same processes again', footer: 'stop' },
  {
    keys: ['enter'],
    action: 'details',
    scope: 'trace',
    help: 'the selected event in full (↑ selects; End follows again)',
    footer: 'event',
  },
  { keys: ['escape'], action: 'back', scope: 'trace', help: 'clear the filter' },

  {
    keys: ['f'],
    action: 'forward',
    scope: 'network',
    help: 'forward a local port to the selected listening TCP port (f again stops it)',
    footer: 'forward',
  },
  {
    keys: ['c'],
    action: 'capture',
    scope: 'network',
    help: 'capture packets to a local pcap file you name (c again stops)',
    footer: 'capture',
  },
  { keys: ['p'], action: 'pause', scope: 'network', help: 'pause/resume the refresh', footer: 'pause' },
  { keys: ['/'], action: 'filter', scope: 'network', help: 'filter (fuzzy)', footer: 'filter' },
  { keys: ['r'], action: 'refresh', scope: 'network', help: 'refresh now' },
  { keys: ['escape'], action: 'back', scope: 'network', help: 'clear the filter' },

  { keys: ['/'], action: 'search', scope: 'logs', help: 'search (then n / N for the next / previous match)', footer: 'search' },
  { keys: ['n'], action: 'nextMatch', scope: 'logs', help: 'next match' },
  { keys: ['N'], action: 'previousMatch', scope: 'logs', help: 'previous match' },
  { keys: ['p'], action: 'pause', scope: 'logs', help: 'pause/resume following', footer: 'pause' },
  { keys: ['escape'], action: 'back', scope: 'logs', help: 'clear the search' },

  { keys: ['enter'], action: 'shell', scope: 'shell', help: 'open the shell', footer: 'open shell' },

  { keys: ['/'], action: 'search', scope: 'pager', help: 'search', footer: 'search' },
  { keys: ['n'], action: 'nextMatch', scope: 'pager', help: 'next match', footer: 'next' },
  { keys: ['N'], action: 'previousMatch', scope: 'pager', help: 'previous match' },
  { keys: ['escape', 'q', 'backspace'], action: 'back', scope: 'pager', help: 'close', footer: 'close' },
];

/**
 * The action a key triggers in a scope: the scope's own binding first, then a global one.
 * Number keys 1-6 are view switches and are handled before this lookup.
 */
export function actionFor(key: string, scope: Scope): Action | undefined {
  const own = KEYMAP.find((b) => b.scope === scope && b.keys.includes(key));
  if (own) return own.action;
  // A pager is modal: only its own keys, scrolling and quitting apply there.
  if (scope === 'pager') {
    const global = KEYMAP.find((b) => b.scope === 'global' && b.keys.includes(key));
    return global && ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom', 'help'].includes(global.action)
      ? global.action
      : key === 'C-c'
        ? 'quit'
        : undefined;
  }
  return KEYMAP.find((b) => b.scope === 'global' && b.keys.includes(key))?.action;
}

/** The view a key jumps to (1-6), if any. */
export function viewForKey(key: string): ViewId | undefined {
  const n = Number(key);
  return Number.isInteger(n) && n >= 1 && n <= VIEWS.length ? VIEWS[n - 1] : undefined;
}

/** How a key is written for people: C-c as Ctrl-C, S-tab as Shift-Tab. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    enter: 'Enter',
    escape: 'Esc',
    backspace: 'Bksp',
    space: 'Space',
    tab: 'Tab',
    'S-tab': 'Shift-Tab',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
  };
  if (names[key]) return names[key];
  if (key.startsWith('C-')) return `Ctrl-${key.slice(2).toUpperCase()}`;
  return key;
}

/** Footer entries for a scope: its own labelled keys, then the global ones. */
export function footerEntries(scope: Scope): Array<{ key: string; label: string }> {
  const own = KEYMAP.filter((b) => b.scope === scope && b.footer);
  const global = scope === 'pager' ? [] : KEYMAP.filter((b) => b.scope === 'global' && b.footer);
  return [...own, ...global].map((b) => ({ key: keyLabel(b.keys[0] ?? ''), label: b.footer ?? '' }));
}

/** Rows of the help view: section title, then key and description rows. */
export function helpRows(): Array<{ section: string; keys: string; help: string }> {
  const order: Scope[] = ['global', ...VIEWS, 'pager'];
  const rows: Array<{ section: string; keys: string; help: string }> = [];
  for (const scope of order) {
    const section = scope === 'global' ? 'Everywhere' : scope === 'pager' ? 'Details and file viewer' : VIEW_TITLES[scope];
    if (scope === 'global')
      rows.push({ section, keys: '1-6', help: 'switch view: ' + VIEWS.map((v, i) => `${i + 1} ${VIEW_TITLES[v]}`).join(', ') });
    for (const binding of KEYMAP.filter((b) => b.scope === scope))
      rows.push({ section, keys: binding.keys.map(keyLabel).join(' '), help: binding.help });
  }
  return rows;
}
