import { Command, CommanderError } from 'commander';
import { registerDatasetCommands } from './dataset-commands.ts';
import { registerRunsCommands } from './runs-commands.ts';
import { registerExperimentCommands } from './experiment-commands.ts';
import { registerTrainCommands } from './train-commands.ts';
import { registerServeCommands } from './serve-commands.ts';
import { registerModelCommands } from './model-commands.ts';

/** Thrown by commands for user errors: printed without a stack trace, exit code 1 (or `code`). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

export function buildProgram(): Command {
  const program = new Command('fer-lab')
    .description('FER Lab: facial expression recognition workbench (datasets, models, training, runs)')
    .option('--home <dir>', 'app data folder (default: $FER_LAB_HOME or the per-user data folder)')
    .showHelpAfterError()
    .exitOverride();
  registerDatasetCommands(program);
  registerRunsCommands(program);
  registerExperimentCommands(program);
  registerTrainCommands(program);
  registerServeCommands(program);
  registerModelCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError) {
      process.stderr.write(`fer-lab: ${err.message}\n`);
      return err.code;
    }
    const e = err as Error;
    process.stderr.write(`fer-lab: ${e.message ?? String(err)}\n`);
    if (process.env.FER_LAB_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
