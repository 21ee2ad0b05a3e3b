// The Shell view: says what `!` (or Enter here) does. The shell itself is run by the
// terminal layer, which suspends the TUI and brings it back as it was.
import type { Action } from '../keymap.js';
import { escapeTags, fit } from '../text.js';
import type { View, ViewContext } from '../view.js';

export class ShellView implements View {
  readonly id = 'shell' as const;

  constructor(
    private readonly ctx: ViewContext,
    private readonly targetName: string,
  ) {}

  activate(): void {}
  deactivate(): void {}
  freeze(): void {}
  thaw(): void {}
  async dispose(): Promise<void> {}

  onAction(_action: Action): boolean {
    // Enter maps to the global 'shell' action, which the controller runs.
    return false;
  }

  render(width: number): string[] {
    const say = (text: string): string => escapeTags(fit(text, width));
    return [
      '',
      say(`  Press Enter (or ! from any view) for a shell in ${this.targetName}'s toolkit,`),
      say("  started at the target's root (/target), with strace, curl, ss, gdb and more on PATH."),
      '',
      say('  The TUI steps aside while the shell runs and comes back as it was when you exit it.'),
      say(`  For a shell whose / is the target's filesystem: remora shell --chroot ${this.targetName}`),
    ];
  }

  status(): string {
    return this.ctx.frozen ? 'the target is not running' : 'Enter opens the shell';
  }
}
