// `remora completion <shell>`: its argument and help; the handler is run.ts.
import type { Command } from '@commander-js/extra-typings';
import { defineCommand } from '../../define-command.js';

const definition = (command: Command) =>
  command
    .description('print a shell completion script (commands, options, profiles, live target names)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      '\nInstall:\n  bash  source <(remora completion bash)          (in ~/.bashrc)\n  zsh   source <(remora completion zsh)           (in ~/.zshrc, after compinit)\n  fish  remora completion fish > ~/.config/fish/completions/remora.fish',
    );

export const completion = defineCommand('completion', definition, async () => (await import('./run.js')).completionCommand);
