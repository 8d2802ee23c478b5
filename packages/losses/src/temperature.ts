/**
 * Default temperature τ of {@link ntXent} and {@link ntLogistic}, and of `@simclr/train`'s pretraining
 * config: 0.5, the SimCLR paper's setting for CIFAR-10 and for batches of a few hundred images (Chen et
 * al. 2020, Appendix B.9), and lightly's `NTXentLoss` default. The paper's ImageNet runs, with batches of
 * 4096, use 0.1 (Table 5): pass it for large batches.
 */
export const NT_XENT_TEMPERATURE = 0.5;

/** Default temperature τ of {@link supCon}: 0.1, the supervised contrastive paper's (Khosla et al. 2020). */
export const SUP_CON_TEMPERATURE = 0.1;
