/** Decides by variable name whether a variable is left out of weight decay and LARS adaptation. */
export type VariableFilter = (variableName: string) => boolean;

/**
 * The paper's exclusion: batch-norm parameters and biases get neither weight decay nor trust-ratio
 * adaptation. Matches tfjs-layers names (`…/bias`, `…/gamma`, `…/beta`, `batch_normalization…/…`)
 * and `@simclr/models` names (`…_bn/…`).
 */
export const excludeBatchNormAndBias: VariableFilter = (name) =>
  /(^|\/)[^/]*(batch_normalization|_bn|batchnorm)[^/]*\//i.test(name) ||
  /\/(bias|gamma|beta)(_\d+)?$/.test(name);

/** Turns the `exclude` option (a filter, a list of substrings or a RegExp) into a filter. */
export function toVariableFilter(
  exclude: VariableFilter | RegExp | readonly string[] | undefined,
): VariableFilter {
  if (exclude === undefined) return excludeBatchNormAndBias;
  if (typeof exclude === 'function') return exclude;
  if (exclude instanceof RegExp) return (name) => exclude.test(name);
  const parts = [...exclude];
  return (name) => parts.some((p) => name.includes(p));
}
