/** The commands and the top-level dispatch of the command line (src/cli/main.ts runs it). */
import { PROGRAM, UsageError } from './args.js';
import { runCommand, type Command } from './command.js';
import { allCommand } from './commands/all.js';
import { attackCommand } from './commands/attack.js';
import { linregCommand } from './commands/linreg.js';
import { vectorSpreadCommand } from './commands/vector_spread.js';

/** Every command, in the order the help lists them. */
export const commands: readonly Command[] = [allCommand, linregCommand, vectorSpreadCommand, attackCommand] as unknown as Command[];

/** The top-level help. */
export function programHelp(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length));
  return [
    `usage: ${PROGRAM} <command> [flags]`,
    '',
    'Gradient descent on the GPU (WebGPU compute shaders): the three workloads of the article',
    '"The Many Applications of Gradient Descent in TensorFlow".',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    `Every workload takes --backend webgpu|cpu, --seed N and --json. '${PROGRAM} <command> --help' lists its flags.`,
  ].join('\n');
}

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
export async function runProgram(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${programHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) {
    throw new UsageError(`unknown command '${name}'; the commands are ${commands.map((c) => c.spec.name).join(', ')} (see '${PROGRAM} --help')`);
  }
  return runCommand(command, rest);
}

