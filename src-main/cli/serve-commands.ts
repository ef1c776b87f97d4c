import type { Command } from 'commander';
import { resolveHome } from '../home.ts';
import { openInBrowser, rendererBuilt, startBrowserMode, DEFAULT_STATIC_DIR } from '../server/browser-mode.ts';
import { CliError } from './main.ts';

/** `fer-lab serve [--port N] [--no-open]`: the workbench in a browser, bound to 127.0.0.1. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the workbench to a local browser (127.0.0.1 only, with a session token)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--no-open', 'do not open the system browser')
    .action(async (opts: { port: string; open: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer 0-65535, got '${opts.port}'`);
      if (!rendererBuilt()) {
        throw new CliError(`the workbench UI is not built (${DEFAULT_STATIC_DIR}/index.html is missing): run \`npx electron-vite build\` first`);
      }
      const home = resolveHome(program.opts<{ home?: string }>().home);
      const mode = await startBrowserMode({ home, port });
      process.stdout.write(`FER Lab is serving ${home}\nOpen ${mode.server.url}\n(Ctrl+C to stop)\n`);
      if (opts.open) openInBrowser(mode.server.url);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stdout.write('stopping: finishing running jobs…\n');
      await mode.close();
    });
}
