export * from './classification.ts';
export * from './probabilities.ts';
export * from './top-k.ts';
export * from './calibration.ts';
export * from './mcnemar.ts';
export * from './evaluate.ts';
