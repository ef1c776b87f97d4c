import { Command, InvalidArgumentError, Option } from 'commander';
import { MODEL_NAMES, MODELS, buildModel, modelInfo, modelInputShape } from '../ml/models/registry.ts';
import { parseModelConfig, type ModelConfigInput } from '../ml/models/config.ts';
import { formatSummary, summarizeModel } from '../ml/models/summary.ts';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

/** Accepts decimals and fractions such as "1/16". */
function positiveNumber(value: string): number {
  const parts = value.split('/');
  const n = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`"${value}" is not a positive number (e.g. 0.5 or 1/16)`);
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`"${value}" is not a rate in [0, 1)`);
  return n;
}

interface SummaryFlags {
  inputSize?: number;
  channels?: number;
  classes?: number;
  width?: number;
  activation?: 'relu' | 'tafmn';
  tafmnM?: number;
  tafmnK?: number;
  tafmnSecond?: string;
  head?: 'softmax' | 'svm';
  svmC?: number;
  dropout?: number;
  seqLength?: number;
  lstmUnits?: number;
  lstmLayers?: number;
  frameViews?: 'repeat' | 'crops-flips';
  bnAfterPool?: boolean;
  json?: boolean;
}

/** Maps CLI flags onto the model config (unset flags keep the schema defaults). */
export function flagsToConfig(flags: SummaryFlags): ModelConfigInput {
  const cfg: Record<string, unknown> = {};
  if (flags.inputSize !== undefined) cfg.inputSize = flags.inputSize;
  if (flags.channels !== undefined) cfg.channels = flags.channels;
  if (flags.classes !== undefined) cfg.classes = flags.classes;
  if (flags.width !== undefined) cfg.widthMultiplier = flags.width;
  if (flags.head !== undefined) cfg.head = flags.head;
  if (flags.svmC !== undefined) cfg.svmC = flags.svmC;
  if (flags.dropout !== undefined) cfg.dropout = flags.dropout;
  if (flags.seqLength !== undefined) cfg.seqLength = flags.seqLength;
  if (flags.lstmUnits !== undefined) cfg.lstmUnits = flags.lstmUnits;
  if (flags.lstmLayers !== undefined) cfg.lstmLayers = flags.lstmLayers;
  if (flags.frameViews !== undefined) cfg.frameViews = flags.frameViews;
  if (flags.bnAfterPool) cfg.bnAfterPool = true;
  const tafmnFlag = flags.tafmnM !== undefined || flags.tafmnK !== undefined || flags.tafmnSecond !== undefined;
  if (flags.activation === 'tafmn' || (tafmnFlag && flags.activation === undefined)) {
    const act: Record<string, unknown> = { kind: 'tafmn' };
    if (flags.tafmnM !== undefined) act.m = flags.tafmnM;
    if (flags.tafmnK !== undefined) act.k = flags.tafmnK;
    if (flags.tafmnSecond !== undefined) {
      const match = /^(\d+)x(\d+)$/.exec(flags.tafmnSecond);
      if (!match) throw new InvalidArgumentError(`--tafmn-second "${flags.tafmnSecond}" must look like MxK, e.g. 2x2`);
      act.secondLayer = { m: Number(match[1]), k: Number(match[2]) };
    }
    cfg.activation = act;
  } else if (flags.activation === 'relu') {
    if (tafmnFlag) throw new InvalidArgumentError('--tafmn-* options need --activation tafmn');
    cfg.activation = { kind: 'relu' };
  }
  return parseModelConfig(cfg);
}

/** `fer-lab model ...`: list the model zoo and summarise a configured model. */
export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('the model zoo: DCNNBEA, baselines and the strong recipe');

  model
    .command('list')
    .description('list the models with a description and their default input')
    .option('--json', 'print as JSON')
    .action((flags: { json?: boolean }) => {
      const rows = MODEL_NAMES.map((name) => ({
        name,
        input: `[B,${modelInputShape(name).join(',')}]`,
        sequence: MODELS[name].inputKind === 'sequence',
        description: MODELS[name].description,
      }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        process.stdout.write(`${r.name.padEnd(w)}  ${r.input.padEnd(12)}  ${r.description}\n`);
      }
      process.stdout.write('\nDCNNBEA takes [B,T,H,W,C] when --seq-length T > 1. Every model accepts --activation tafmn and --head svm.\n');
    });

  model
    .command('summary')
    .description('build a model (untrained) and print each layer, output shape, parameters and multiply-adds per sample')
    .argument('<name>', `model name: ${MODEL_NAMES.join(', ')}`)
    .option('--input-size <n>', 'input side in pixels (default 48)', integer)
    .option('--channels <n>', 'input channels (default 1)', integer)
    .option('--classes <n>', 'classes (default 7)', integer)
    .option('--width <f>', 'width multiplier, e.g. 1, 0.5 or 1/16 (default 1)', positiveNumber)
    .addOption(new Option('--activation <kind>', 'activation (default relu)').choices(['relu', 'tafmn']))
    .option('--tafmn-m <n>', 'TAFMN maxout units per channel (default 2)', integer)
    .option('--tafmn-k <n>', 'TAFMN pieces per unit (default 2)', integer)
    .option('--tafmn-second <MxK>', 'TAFMN second maxout layer, e.g. 2x2')
    .addOption(new Option('--head <kind>', 'classification head (default softmax)').choices(['softmax', 'svm']))
    .option('--svm-c <c>', 'SVM head C (default 100)', positiveNumber)
    .option('--dropout <rate>', 'dropout rate (default 0.5)', rate)
    .option('--seq-length <T>', 'DCNNBEA frames per sample (default 1)', integer)
    .option('--lstm-units <n>', 'DCNNBEA LSTM units (default 256)', integer)
    .option('--lstm-layers <n>', 'DCNNBEA LSTM layers (default 1)', integer)
    .addOption(new Option('--frame-views <mode>', 'DCNNBEA views of a still image').choices(['repeat', 'crops-flips']))
    .option('--bn-after-pool', 'batch norm after every pooling layer too (as the paper trains; DCNNBEA always has it)')
    .option('--json', 'print the summary as JSON')
    .action((name: string, flags: SummaryFlags) => {
      modelInfo(name); // unknown names fail here with the list of known ones, before any work
      const cfg = flagsToConfig(flags);
      const built = buildModel(name, cfg);
      try {
        const summary = summarizeModel(built);
        if (flags.json) process.stdout.write(`${JSON.stringify({ config: parseModelConfig(cfg), ...summary }, null, 2)}\n`);
        else process.stdout.write(`${formatSummary(summary)}\n`);
      } finally {
        built.dispose();
      }
    });
}
