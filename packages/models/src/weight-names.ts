/**
 * True for the variables that optimizers such as LARS usually exempt from weight decay and trust-ratio
 * scaling: batch-norm scales and shifts (`…/gamma`, `…/beta`) and biases (`…/bias`). It reads the last
 * path segment of a tfjs-layers weight name, with or without the `_1`, `_2` … suffix tfjs adds when the
 * same name is created twice, so it works on `LayerVariable.name`, `originalName` and `tf.Variable.name`
 * of any tfjs-layers model, not only this package's.
 */
export function isBatchNormOrBias(weightName: string): boolean {
  return /\/(gamma|beta|bias)(_\d+)?$/.test(weightName);
}
