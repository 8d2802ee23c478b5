/**
 * The kNN monitor's defaults, those of Wu et al. (2018) that lightly and solo-learn use: the 200 most
 * similar training rows vote, each with weight exp(sim/0.1).
 */
export const KNN_DEFAULTS = { k: 200, temperature: 0.1 } as const;
