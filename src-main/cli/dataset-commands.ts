import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { resolveHome } from '../home.ts';
import { formatReport } from '../data/format-report.ts';
import { importDataset } from '../data/import-dataset.ts';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`"${value}" is not a fraction in [0, 1)`);
  return n;
}

interface InspectFlags {
  json?: boolean;
  size: number;
  seed: number;
  valFraction: number;
  testFraction: number;
  ferplus?: string;
  cache: boolean;
  workers?: number;
}

/** `fer-lab dataset ...`: import and inspect datasets. */
export function registerDatasetCommands(program: Command): void {
  const dataset = program.command('dataset').description('import and inspect FER datasets (Kaggle folders, fer2013.csv, class folders)');
  dataset
    .command('inspect')
    .description('import a dataset (or load it from the cache) and print its report: counts, pixel stats, skipped files, duplicates')
    .argument('<path>', 'dataset folder (train/ + test/, or one folder per class) or a fer2013.csv file')
    .option('--json', 'print the report as JSON')
    .option('--size <n>', 'side of the square grayscale samples', integer, 48)
    .option('--seed <n>', 'seed for carved splits', integer, 1)
    .option('--val-fraction <f>', 'fraction of train carved out as val when the source has none', fraction, 0.1)
    .option('--test-fraction <f>', 'fraction carved out as test for class folders without splits', fraction, 0.1)
    .option('--ferplus <file>', 'FER+ relabelling file (fer2013new.csv) for a fer2013.csv source')
    .option('--no-cache', 'neither read nor write the decoded-dataset cache')
    .option('--workers <n>', 'decode worker threads (default: one per core)', integer)
    .action(async (path: string, flags: InspectFlags) => {
      const home = resolveHome(program.opts<{ home?: string }>().home);
      const showBar = !flags.json && process.stderr.isTTY === true;
      const bar = showBar
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: 'decoding [{bar}] {percentage}% {value}/{total} | {duration_formatted}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      try {
        const { report } = await importDataset(path, {
          home,
          size: flags.size,
          seed: flags.seed,
          valFraction: flags.valFraction,
          testFraction: flags.testFraction,
          ferPlus: flags.ferplus,
          useCache: flags.cache,
          workers: flags.workers,
          onProgress: (done, total) => {
            if (!bar) return;
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.update(done);
          },
        });
        bar?.stop();
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
      } finally {
        if (started) bar?.stop();
      }
    });
}
