// `remora attach` with no target: a list of running containers to pick from, shell-less
// ones marked, filtered as you type (fuzzy). Pure: keys in, lines out, a choice reported.
import type { TargetRow } from '../ops/targets.js';
import { fuzzyFilter } from './fuzzy.js';
import { LineEditor } from './line-editor.js';
import { ListCursor, navigate, renderTable, type Column, type Row } from './table.js';
import { cleanText, escapeTags, fit } from './text.js';
import type { Theme } from './theme.js';
import type { Screenful } from './view.js';
import { actionFor } from './keymap.js';

const COLUMNS: Column[] = [
  { header: 'NAME', minWidth: 16 },
  { header: 'IMAGE', minWidth: 16 },
  { header: 'STATE', width: 8 },
  { header: 'SHELL', width: 10 },
  { header: 'SESSIONS', width: 8, align: 'right' },
];

export class TargetPicker implements Screenful {
  private readonly editor = new LineEditor();
  private readonly cursor = new ListCursor();
  private shown: TargetRow[];
  private height = 10;

  constructor(
    private readonly targets: TargetRow[],
    private readonly theme: Theme,
    private readonly onPick: (target: TargetRow | undefined) => void,
    private readonly requestRender: () => void,
  ) {
    this.shown = [...targets];
  }

  handleKey(name: string, ch?: string): void {
    if (name === 'C-c') return this.onPick(undefined);
    if (name === 'escape') {
      if (this.editor.value === '') return this.onPick(undefined);
      this.editor.key('C-u');
      this.apply();
      return;
    }
    if (name === 'enter') {
      const target = this.shown[this.cursor.index];
      if (target) this.onPick(target);
      return;
    }
    const action = ['up', 'down', 'pageup', 'pagedown'].includes(name) ? actionFor(name, 'global') : undefined;
    if (action && navigate(this.cursor, action, this.shown.length, this.height)) {
      this.requestRender();
      return;
    }
    if (this.editor.key(name, ch) === 'changed') this.apply();
    else this.requestRender();
  }

  render(width: number, height: number): string[] {
    const theme = this.theme;
    const rows: Row[] = this.shown.map((t) => ({
      key: t.id,
      cells: [t.name, t.image, t.state, t.hasShell ? 'yes' : { text: 'no shell', style: 'accent' }, String(t.sessions)],
    }));
    const top = [
      theme.paint('title', fit('remora attach: pick a container', width)),
      theme.paint(
        'dim',
        fit('Type to filter · ↑↓ move · Enter attaches · Esc quits. "no shell": docker exec cannot help there; remora can.', width),
      ),
      `${theme.paint('key', 'filter: ')}${this.editor.render(Math.max(1, width - 8))}`,
      '',
    ];
    this.height = Math.max(1, height - top.length - 1);
    const table = renderTable({
      columns: COLUMNS,
      rows,
      cursor: this.cursor,
      width,
      height: height - top.length,
      theme,
      empty: this.targets.length === 0 ? 'no running containers (remora targets --all lists stopped ones)' : 'nothing matches the filter',
    });
    return [...top, ...table];
  }

  private apply(): void {
    this.shown = fuzzyFilter(this.targets, this.editor.value, (t) => `${t.name} ${t.image}`);
    this.cursor.toStart();
    this.requestRender();
  }
}

/** A page that says what is happening while the session starts (or its image builds). */
export class ProgressPage implements Screenful {
  private readonly lines: string[] = [];

  constructor(
    private readonly title: string,
    private readonly theme: Theme,
    private readonly onCancel: () => void,
    private readonly requestRender: () => void,
  ) {}

  say(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 200) this.lines.shift();
    this.requestRender();
  }

  handleKey(name: string): void {
    if (name === 'C-c' || name === 'q') this.onCancel();
  }

  render(width: number, height: number): string[] {
    const theme = this.theme;
    const room = Math.max(0, height - 4);
    return [
      theme.paint('title', fit(this.title, width)),
      theme.paint('dim', fit('q or Ctrl-C cancels', width)),
      '',
      ...this.lines.slice(-room).map((line) => escapeTags(fit(cleanText(`  ${line}`), width))),
    ];
  }
}
