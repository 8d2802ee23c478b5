// tfjs-core registers no gradients by itself, and its own `dist/register_all_gradients` module cannot be
// loaded by Node's ESM loader (extensionless relative imports). tfjs-layers registers the complete set
// of tfjs-core gradient configs into the global gradient registry on import, in Node and in bundlers
// alike, so importing it once here lets every package differentiate.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrainingGradConfig } from './kernels/batch-norm-training.js';
import { registerGradientOverrides } from './kernels/gradient-overrides.js';

// Replaces some of the gradients tfjs-layers just registered with the same math in fewer passes.
registerGradientOverrides();

// The gradient of the fused training batch norm that backends such as @simclr/native provide.
if (tf.getGradient(batchNormTrainingGradConfig.kernelName) === undefined) {
  tf.registerGradient(batchNormTrainingGradConfig);
}
