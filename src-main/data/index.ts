/** Public surface of the dataset layer. */
export { importDataset } from './import-dataset.ts';
export { subsetDataset, type SubsetOptions } from './subset-dataset.ts';
export { DatasetError } from './dataset-error.ts';
export { formatReport } from './format-report.ts';
export * from './types.ts';
