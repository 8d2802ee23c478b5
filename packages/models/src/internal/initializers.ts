import { createRng, type Rng } from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Seeds for tfjs-layers initializers, drawn from a library `Rng` so a model build is reproducible. */
export class SeedSource {
  private readonly rng: Rng;

  constructor(rng: Rng | undefined) {
    this.rng = rng ?? createRng(0);
  }

  /** He-normal with fan-out, as torchvision initialises ResNet convolutions. */
  conv(): ReturnType<typeof tfl.initializers.varianceScaling> {
    return tfl.initializers.varianceScaling({
      scale: 2,
      mode: 'fanOut',
      distribution: 'normal',
      seed: this.seed(),
    });
  }

  /** U(±1/√fan_in), the default of PyTorch's `nn.Linear` weights. */
  dense(): ReturnType<typeof tfl.initializers.varianceScaling> {
    return tfl.initializers.varianceScaling({
      scale: 1 / 3,
      mode: 'fanIn',
      distribution: 'uniform',
      seed: this.seed(),
    });
  }

  private seed(): number {
    return this.rng.int(2 ** 31);
  }
}
