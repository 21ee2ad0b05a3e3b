// The Files view: a browser of the target's filesystem from its `/`. Enter goes into
// directories, opens files in the pager and follows symlinks inside the target; d and u
// copy with `remora cp`'s code, with progress in the status line.
import { posix } from 'node:path';
import type { FileEntry } from '../../core/directory-listing.js';
import { diffPager, FILE_COLUMNS, fileTableRows, previewPager } from '../file-rows.js';
import { FilteredTable } from '../filtered-table.js';
import type { Action } from '../keymap.js';
import { LatestTask } from '../latest-task.js';
import { count, type View, type ViewContext } from '../view.js';

export class FilesView implements View {
  readonly id = 'files' as const;
  private path = '/';
  private entries: FileEntry[] = [];
  private readonly table: FilteredTable;
  private loaded = false;
  private loading = false;
  private error: string | undefined;
  private transfer: string | undefined;
  private readonly task = new LatestTask();
  /** Changes against the image by path (A/C/D), read with each listing. */
  private marks = new Map<string, string>();
  private readonly transferTask = new LatestTask();

  constructor(private readonly ctx: ViewContext) {
    this.table = new FilteredTable(
      FILE_COLUMNS,
      (filter) =>
        fileTableRows(this.entries, filter, Date.now(), (name) => this.marks.get(posix.join(this.path, name)), this.deletedHere()),
      () => ctx.requestRender(),
    );
  }

  activate(): void {
    if (!this.loaded && !this.loading) this.go('/');
  }

  deactivate(): void {}

  freeze(): void {
    this.task.cancel();
  }

  thaw(): void {}

  async dispose(): Promise<void> {
    this.task.cancel();
    this.transferTask.cancel();
  }

  onAction(action: Action): boolean {
    if (this.table.navigate(action)) return true;
    const entry = this.selected();
    switch (action) {
      case 'open':
        if (entry) this.open(entry);
        else if (this.table.selectedKey !== undefined)
          this.ctx.notify(`${this.selectedPath()} was deleted by the container: only its image has it (D compares)`, 'info');
        return true;
      case 'diff':
        if (this.table.selectedKey !== undefined) this.showDiff(this.selectedPath());
        return true;
      case 'parent':
        if (this.table.filter) {
          this.table.setFilter('');
          return true;
        }
        if (this.path !== '/') this.go(posix.dirname(this.path), posix.basename(this.path));
        return true;
      case 'refresh':
        this.go(this.path, this.table.selectedKey);
        return true;
      case 'filter':
        this.table.promptFilter(this.ctx, 'filter names');
        return true;
      case 'download':
        if (entry) this.askDownload(entry);
        return true;
      case 'upload':
        this.askUpload();
        return true;
      default:
        return false;
    }
  }

  render(width: number, height: number): string[] {
    const theme = this.ctx.theme;
    const title = theme.paint('title', this.path) + (this.loading ? theme.paint('dim', '  loading…') : '');
    const lines = [title];
    if (this.error) lines.push(theme.paint('error', this.error));
    const filter = this.table.filter;
    const empty = !this.loaded ? 'listing…' : filter ? `no name matches "${filter}"` : 'empty directory';
    return [...lines, ...this.table.render({ width, height: height - lines.length, theme, empty })];
  }

  status(): string {
    const filter = this.table.filter;
    const parts = [count(this.table.rows.length, 'entry', 'entries', filter ? this.entries.length : undefined)];
    if (filter) parts.push(`filter "${filter}"`);
    if (this.transfer) parts.push(this.transfer);
    return parts.join(' · ');
  }

  private selected(): FileEntry | undefined {
    const key = this.table.selectedKey;
    return key === undefined ? undefined : this.entries.find((e) => e.name === key);
  }

  /** The selected row's path, a deleted entry's included. */
  private selectedPath(): string {
    return posix.join(this.path, this.table.selectedKey ?? '');
  }

  /** Names the container deleted in this directory (D marks of its direct children that it no longer lists). */
  private deletedHere(): string[] {
    const listed = new Set(this.entries.map((e) => e.name));
    const names: string[] = [];
    for (const [path, mark] of this.marks) {
      if (mark !== 'D' || posix.dirname(path) !== this.path || path === '/') continue;
      const name = posix.basename(path);
      if (!listed.has(name)) names.push(name);
    }
    return names.sort();
  }

  private showDiff(path: string): void {
    const diffFile = this.ctx.data.diffFile?.bind(this.ctx.data);
    if (!diffFile) return this.ctx.notify('no image to compare with here', 'info');
    this.ctx.openPager(diffFile(path, AbortSignal.timeout(60_000)).then((diff) => diffPager(path, diff)));
  }

  private childPath(entry: FileEntry): string {
    return posix.join(this.path, entry.name);
  }

  /** Lists `path` (symlinks resolved inside the target); a file there opens in the pager. */
  private go(path: string, select?: string): void {
    if (this.ctx.frozen) {
      this.ctx.notify('the target is not running: the listing is frozen', 'error');
      return;
    }
    this.loading = true;
    this.ctx.requestRender();
    void this.task
      .run((signal) => Promise.all([this.ctx.data.openPath(path, signal), this.ctx.data.listChanges?.(signal).catch(() => undefined)]))
      .then((result) => {
        if (result === undefined) return;
        const [opened, marks] = result;
        if (marks) this.marks = marks;
        this.loading = false;
        if (opened.kind === 'file') {
          this.preview(opened.path);
          this.ctx.requestRender();
          return;
        }
        this.path = opened.listing.path;
        this.entries = opened.listing.entries;
        this.loaded = true;
        this.error = undefined;
        this.table.reset(select);
      })
      .catch((error: Error) => {
        this.loading = false;
        this.error = error.message;
        this.ctx.notify(error.message, 'error');
      });
  }

  private open(entry: FileEntry): void {
    const path = this.childPath(entry);
    if (entry.type === 'directory' || entry.type === 'symlink') this.go(path);
    else if (entry.type === 'file') this.preview(path);
    else this.ctx.notify(`${path} is a ${entry.type}: nothing to show`, 'info');
  }

  private preview(path: string): void {
    this.ctx.openPager(this.ctx.data.previewFile(path, AbortSignal.timeout(60_000)).then(previewPager));
  }

  private askDownload(entry: FileEntry): void {
    const source = this.childPath(entry);
    this.ctx.prompt({
      label: `download ${source} to`,
      initial: this.ctx.cwd,
      onSubmit: (local) =>
        this.runTransfer(`downloading ${entry.name}`, (progress, signal) =>
          this.ctx.data.download(source, local || this.ctx.cwd, progress, signal),
        ),
    });
  }

  private askUpload(): void {
    if (this.ctx.frozen) return this.ctx.notify('the target is not running: nothing can be uploaded', 'error');
    const into = this.path;
    this.ctx.prompt({
      label: `upload into ${into} from local path`,
      initial: this.ctx.cwd.endsWith('/') ? this.ctx.cwd : `${this.ctx.cwd}/`,
      onSubmit: (local) => {
        if (!local) return;
        this.runTransfer(
          `uploading ${posix.basename(local)}`,
          (progress, signal) => this.ctx.data.upload(local, into, progress, signal),
          () => {
            if (this.path === into) this.go(into, posix.basename(local.replace(/\/+$/, '')));
          },
        );
      },
    });
  }

  private runTransfer(
    what: string,
    body: (progress: (line: string) => void, signal: AbortSignal) => Promise<string>,
    after?: () => void,
  ): void {
    if (this.transferTask.busy) {
      this.ctx.notify('a copy is already under way; wait for it to finish', 'error');
      return;
    }
    this.transfer = `${what}…`;
    this.ctx.requestRender();
    void this.transferTask
      .run((signal) =>
        body((line) => {
          this.transfer = `${what}: ${line}`;
          this.ctx.requestRender();
        }, signal),
      )
      .then((done) => {
        this.transfer = undefined;
        if (done !== undefined) this.ctx.notify(done);
        after?.();
      })
      .catch((error: Error) => {
        this.transfer = undefined;
        this.ctx.notify(error.message, 'error');
      });
  }
}
