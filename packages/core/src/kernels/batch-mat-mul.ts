import type {
  BatchMatMulAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { withKernels } from './backend-kernels.js';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * `BatchMatMul` for wasm that transposes explicitly. tfjs-backend-wasm 4.22 sends a product to XNNPACK
 * only when neither operand is transposed and there is one batch; with `transposeA` or `transposeB`
 * it falls back to a scalar loop, about 25× slower for 512×512 operands. Every dense layer's gradient
 * (dA = dy·Bᵀ, dB = Aᵀ·dy) and a similarity matrix z·zᵀ ask for exactly that, so here a single-batch
 * product transposes its operand with the backend's Transpose first and then takes the fast path;
 * anything else goes to `stock`, the kernel the backend registered.
 */
export function batchMatMulKernel(backendName: string, stock: KernelConfig): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const batches = (t: TensorInfo) => tf.util.sizeFromShape(t.shape.slice(0, -2));
    if ((!transposeA && !transposeB) || batches(a) !== 1 || batches(b) !== 1) return stock.kernelFunc(args);
    return withKernels(backendName, args.backend as KernelBackend, (k) => {
      const upright = (t: TensorInfo, transposed: boolean) =>
        transposed ? k.run('Transpose', { x: t }, { perm: swapLastTwo(t.shape.length) }) : t;
      return k.run(
        'BatchMatMul',
        { a: upright(a, transposeA), b: upright(b, transposeB) },
        { transposeA: false, transposeB: false },
      );
    });
  };
}
