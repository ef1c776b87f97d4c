/**
 * `runs:model`: a run's trained network for the webcam demo, as the three files `fer-lab
 * export-model` writes (model.json, its weights, fer-lab-model.json), carried as text so IPC and the
 * WebSocket transport handle it alike. Reuses the exporter through a throwaway folder so the two can
 * never disagree on the format.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModel, WEIGHTS_FILE } from '../../portable/model-export.ts';
import type { RunStore } from '../../store/run-store.ts';
import { ApiError } from '../contract.ts';

export interface RunModelFiles {
  modelJson: string;
  weightsBase64: string;
  metaJson: string;
}

export async function runModelFiles(store: RunStore, runId: number): Promise<RunModelFiles> {
  const parent = mkdtempSync(join(tmpdir(), 'fer-run-model-'));
  try {
    const { dir } = await exportModel(store, runId, join(parent, 'model')).catch((err: Error) => {
      throw err.name === 'ModelExportError' ? new ApiError(err.message, 'not-found') : err;
    });
    return {
      modelJson: readFileSync(join(dir, 'model.json'), 'utf8'),
      weightsBase64: readFileSync(join(dir, WEIGHTS_FILE)).toString('base64'),
      metaJson: readFileSync(join(dir, 'fer-lab-model.json'), 'utf8'),
    };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
