/**
 * Resolves a job's DataSource to a decoded dataset. Path datasets go through the dataset module's
 * importDataset (with its cache under the home folder), so large datasets never cross the process
 * boundary; in-memory datasets (tests, the bench) arrive with the message.
 */
import type { FerDataset } from '../data/types.ts';
import { importDataset } from '../data/import-dataset.ts';
import type { DataSource } from './protocol.ts';

export async function loadDataSource(source: DataSource, home: string): Promise<FerDataset> {
  if (source.kind === 'inline') return source.dataset;
  const { dataset } = await importDataset(source.path, { home, size: source.size });
  return dataset;
}
