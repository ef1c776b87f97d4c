/** Tiny training (see tiny-training-cases.ts) of ResNet-50/101/152, the slowest models. */
import { DEEP_RESNETS, describeTinyTraining } from './tiny-training-cases.ts';

describeTinyTraining(DEEP_RESNETS);
