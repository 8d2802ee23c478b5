export { type AlignmentOptions, alignment } from './alignment.js';
export { type ContrastiveAccuracyOptions, contrastiveAccuracy } from './contrastive-accuracy.js';
export type { AnchorRange } from './internal/anchors.js';
export { type MarginTripletOptions, marginTriplet } from './margin-triplet.js';
export { type NtLogisticOptions, ntLogistic } from './nt-logistic.js';
export { type NtXentOptions, ntXent } from './nt-xent.js';
export { type SupConOptions, supCon } from './sup-con.js';
export { NT_XENT_TEMPERATURE, SUP_CON_TEMPERATURE } from './temperature.js';
export { type UniformityOptions, uniformity } from './uniformity.js';
