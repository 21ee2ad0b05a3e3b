// A command's home (commands/<name>/command.ts) joins its commander definition to its
// handler (commands/<name>/run.ts). The definition is cheap and always loaded (help,
// completion, parsing); the handler is imported only when the command runs, and receives
// the arguments and options the definition declares, typed from the definition itself
// (@commander-js/extra-typings reads commander's own flag and argument strings).
import { Command, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import { runAction } from './edge.js';

/** A definition: what it adds to the command made for it; it returns the command its action goes on. */
type Definition<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues> = (
  command: Command,
) => Command<Args, Opts, Globals>;

/** The options a definition's action receives (its own, with the program's), as the handler takes them. */
export type OptionsOf<D extends (command: Command) => CommandUnknownOpts> = ReturnType<ReturnType<D>['optsWithGlobals']>;

/** The handler: the declared arguments, the options, and the command (for what reads more of the line). */
export type Handler<C extends CommandUnknownOpts> = (
  ...args: [...C['processedArgs'], ReturnType<C['optsWithGlobals']>, C]
) => Promise<number | void> | number | void;

export interface CommandHome {
  readonly name: string;
  /** Adds the command to the program, with an action that loads the handler and runs it at the CLI's edge. */
  addTo(program: CommandUnknownOpts): void;
}

export function defineCommand<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(
  name: string,
  definition: Definition<Args, Opts, Globals>,
  // NoInfer: the definition alone says what the handler receives.
  loadHandler: () => Promise<NoInfer<Handler<Command<Args, Opts, Globals>>>>,
): CommandHome {
  return {
    name,
    addTo(program) {
      // As program.command(name) makes it (inheriting exitOverride and the help settings),
      // but typed from scratch, so the definition's types are its own.
      const home = new Command(name).copyInheritedSettings(program);
      const command = definition(home);
      program.addCommand(home);
      command.action(async () => {
        const options = command.optsWithGlobals();
        const debug = 'debug' in options && options.debug === true;
        process.exitCode = await runAction(async () => (await loadHandler())(...command.processedArgs, options, command), debug);
      });
    },
  };
}
