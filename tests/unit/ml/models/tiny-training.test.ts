/** Tiny training (see tiny-training-cases.ts): every model except the deep ResNets, plus DCNNBEA with T=3. */
import { MODEL_NAMES } from '../../../../src-main/ml/models/registry.ts';
import { DEEP_RESNETS, TINY, describeTinyTraining } from './tiny-training-cases.ts';

describeTinyTraining(
  MODEL_NAMES.filter((n) => !DEEP_RESNETS.includes(n)),
  [
    [
      'dcnnbea',
      'T=3 crops-flips, tafmn (2nd layer) + svm, 2 LSTM layers',
      {
        ...TINY,
        seqLength: 3,
        frameViews: 'crops-flips',
        lstmLayers: 2,
        activation: { kind: 'tafmn', m: 2, k: 2, secondLayer: { m: 2, k: 2 } },
        head: 'svm',
      },
    ],
  ],
);
