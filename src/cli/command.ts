/** The shape every command module has, and how `main` runs one. */
import { commandHelp, parseFlags, type CommandSpec, type FlagSpecs, type ParsedFlags } from './args.js';
import { Output, type CliStreams } from './context.js';

/** A command: its flags and what it does with them. Returns the exit status. */
export interface Command<F extends FlagSpecs = FlagSpecs> {
  spec: CommandSpec<F>;
  run(flags: ParsedFlags<F>, out: Output): Promise<number>;
}

/** Declares a command with its flag types inferred from `spec`. */
export function defineCommand<F extends FlagSpecs>(
  spec: CommandSpec<F>,
  run: (flags: ParsedFlags<F>, out: Output) => Promise<number>,
): Command<F> {
  return { spec, run };
}

/**
 * Parses `argv` for `command` and runs it: `--help` prints the help on stdout (status 0); a usage
 * error propagates as a UsageError for `main` to print.
 */
export async function runCommand(command: Command<FlagSpecs>, argv: readonly string[], streams?: CliStreams): Promise<number> {
  const flags = parseFlags(command.spec, argv);
  if (!('given' in flags)) {
    (streams?.stdout ?? process.stdout).write(`${commandHelp(command.spec)}\n`);
    return 0;
  }
  const parsed = flags as ParsedFlags<FlagSpecs>;
  return command.run(parsed, new Output(parsed['json'] === true, streams));
}
