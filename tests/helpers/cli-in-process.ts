import { Command } from 'commander';
import { vi } from 'vitest';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command group in-process, the way main() does (exitOverride, --home), and captures what
 * it writes. Faster than spawning bin/fer-lab.js, which the tests keep for exit codes of the real CLI.
 */
export async function runCommandGroup(register: (program: Command) => void, home: string, args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const program = new Command('fer-lab').option('--home <dir>').exitOverride();
  register(program);
  let code = 0;
  try {
    await program.parseAsync(['node', 'fer-lab', '--home', home, ...args]);
  } catch (err) {
    code = (err as { exitCode?: number }).exitCode ?? 1;
    stderr += (err as Error).message;
  } finally {
    vi.restoreAllMocks();
  }
  return { code, stdout, stderr };
}
