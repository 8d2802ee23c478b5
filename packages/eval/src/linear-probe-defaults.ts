/**
 * The linear probe's defaults. The optimiser is solo-learn's online classifier (`classifier_lr` 0.1 in
 * its pretraining configs, momentum 0.9, weight decay 0 on the classifier's parameter group, no LARS
 * scaling); the passes, batch and standardisation are ours, since the probe fits a fixed labelled slice
 * at each evaluation rather than every training batch.
 */
export const LINEAR_PROBE_DEFAULTS = {
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 0,
  passes: 5,
  headBatchSize: 256,
  standardize: true,
} as const;
