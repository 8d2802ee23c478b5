import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounted {
  incRef(dataId: object): void;
}

/**
 * `Identity` that shares its input's memory, as tfjs-backend-cpu's does: tensors are immutable, so a
 * reference count is all it needs. tfjs-backend-wasm's copies every element instead, and the gradient
 * tape clones every tensor it saves for the backward pass through `Identity`: in a ResNet training step
 * that is every activation again (over a thousand copies per step).
 */
export const sharingIdentity: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * `Cast` that shares its input when the dtype does not change (ReLU's gradient casts the float32 `step`
 * of every activation to float32), and leaves every real conversion to `replaced`.
 */
export function sharingCast(replaced: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    return x.dtype === (args.attrs as unknown as CastAttrs).dtype
      ? sharingIdentity(args)
      : replaced.kernelFunc(args);
  };
}
