/**
 * Checkpoints: <runDir>/best and <runDir>/last, each a folder with the model weights, the optimiser
 * state and the loop state (epoch, PRNG states, schedule and early-stopping state), so a resumed run
 * continues at the next epoch exactly as the uninterrupted run would have. A folder is written next to
 * the old one and swapped in by rename, so a crash mid-write (kill -9) leaves the previous checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduleState } from './schedules.ts';
import type { MonitorState } from './early-stopping.ts';
import type { Normalization } from './batches.ts';
import type { EpochEvent } from '../../worker/protocol.ts';

export const CHECKPOINT_VERSION = 1;

export interface LoopState {
  version: number;
  /** Epochs fully completed (1-based count); training resumes at epoch + 1. */
  epoch: number;
  /** The weights were saved mid-epoch by a stop command (epoch `epoch + 1` is partly done). */
  partial: boolean;
  prng: { data: number; augment: number; math: number };
  schedule: ScheduleState;
  best: MonitorState;
  earlyStopping: MonitorState;
  lr: number;
  normalization: Normalization;
  savedAt: string;
  /**
   * Metrics of epoch `epoch`, when the checkpoint closes it. A worker killed after this checkpoint
   * but before its epoch event reached the parent would otherwise lose that row: resume re-sends it.
   */
  lastEpoch?: EpochEvent;
}

interface EncodedTensors {
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

async function encode(named: Array<{ name: string; tensor: tf.Tensor }>): Promise<EncodedTensors> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data, specs };
}

function decode(enc: EncodedTensors): tf.NamedTensorMap {
  return tf.io.decodeWeights(enc.data, enc.specs);
}

export interface CheckpointPayload {
  weights: EncodedTensors;
  optimizer: EncodedTensors;
  state: LoopState;
}

/** Captures model weights and optimiser state as bytes (no tensors stay allocated). */
export async function captureCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, state: LoopState): Promise<CheckpointPayload> {
  // Names are positional: rebuilt models get fresh unique variable names, the order is what is stable.
  const weights = await encode(model.weights.map((w, i) => ({ name: `w${i}`, tensor: w.read() })));
  const optWeights = await optimizer.getWeights();
  try {
    const optimizerEnc = await encode(optWeights.map((w, i) => ({ name: i === 0 ? w.name : `s${i}`, tensor: w.tensor })));
    return { weights, optimizer: optimizerEnc, state };
  } finally {
    // getWeights returns the optimiser's own variables plus a fresh iteration-count scalar.
    for (const w of optWeights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
}

function writeDir(dir: string, payload: CheckpointPayload): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(payload.weights.data));
  writeFileSync(join(dir, 'weights.json'), JSON.stringify(payload.weights.specs));
  writeFileSync(join(dir, 'optimizer.bin'), new Uint8Array(payload.optimizer.data));
  writeFileSync(join(dir, 'optimizer.json'), JSON.stringify(payload.optimizer.specs));
  // state.json last: its presence marks a complete folder.
  writeFileSync(join(dir, 'state.json'), `${JSON.stringify(payload.state, null, 2)}\n`);
}

/** Writes <runDir>/<kind> atomically (write aside, then swap by rename). Returns the folder. */
export function writeCheckpoint(runDir: string, kind: 'best' | 'last', payload: CheckpointPayload): string {
  const final = join(runDir, kind);
  const tmp = `${final}.tmp`;
  const old = `${final}.old`;
  rmSync(tmp, { recursive: true, force: true });
  writeDir(tmp, payload);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
  return final;
}

/** The checkpoint folder to read, falling back to the previous one when a swap was cut short. */
export function checkpointDir(runDir: string, kind: 'best' | 'last'): string | null {
  for (const dir of [join(runDir, kind), join(runDir, `${kind}.old`)]) {
    if (existsSync(join(dir, 'state.json'))) return dir;
  }
  return null;
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

function readEncoded(dir: string, base: string): EncodedTensors {
  return {
    data: toArrayBuffer(readFileSync(join(dir, `${base}.bin`))),
    specs: JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8')) as tf.io.WeightsManifestEntry[],
  };
}

export function readLoopState(dir: string): LoopState {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as LoopState;
  if (state.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint ${dir} has version ${state.version}; this FER Lab reads version ${CHECKPOINT_VERSION}`);
  return state;
}

/** Loads weights into a freshly built model of the same architecture. */
export function restoreWeights(dir: string, model: tf.LayersModel): void {
  const map = decode(readEncoded(dir, 'weights'));
  try {
    const tensors = model.weights.map((w, i) => {
      const t = map[`w${i}`];
      if (!t) throw new Error(`checkpoint ${dir} has no weight #${i} (${w.name}); was it saved from another model?`);
      if (!tf.util.arraysEqual(t.shape, w.shape as number[])) {
        throw new Error(`checkpoint ${dir}: weight #${i} (${w.name}) has shape [${t.shape}], model expects [${w.shape}]`);
      }
      return t;
    });
    if (Object.keys(map).length !== model.weights.length) {
      throw new Error(`checkpoint ${dir} has ${Object.keys(map).length} weights, the model has ${model.weights.length}`);
    }
    model.setWeights(tensors);
  } finally {
    tf.dispose(Object.values(map));
  }
}

/** Restores the optimiser's moments/accumulators and iteration count. */
export async function restoreOptimizer(dir: string, optimizer: tf.Optimizer): Promise<void> {
  const enc = readEncoded(dir, 'optimizer');
  const map = decode(enc);
  try {
    // Keep the saved order: optimisers match their slots to variables by position.
    await optimizer.setWeights(enc.specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
  } finally {
    tf.dispose(Object.values(map));
  }
}
