import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * `Slice` for wasm that copies the longest contiguous runs there are, straight on the heap.
 * tfjs-backend-wasm's first copies its whole input out of the heap (`readSync`), then copies one
 * innermost row at a time: slicing the padding off a `[256, 34, 34, 16]` gradient (every padded
 * convolution's backward pass) was 262,144 copies of 16 floats, ~100 ms. Here the trailing axes the
 * slice spans whole join the run: 8,192 copies of 512 floats. Strings go to `replaced`.
 */
export function sliceKernel(replaced: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    if (x.dtype === 'string' || x.dtype === 'complex64') return replaced.kernelFunc(args);
    const { begin, size } = attrs as unknown as SliceAttrs;
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
      number[],
      number[],
    ];
    const wasm = backend as unknown as WasmBackend;
    const out = wasm.makeOutput(extent, x.dtype);
    const total = extent.reduce((a, b) => a * b, 1);
    if (total === 0) return out;
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    // Join trailing axes taken whole (and the one before them) into one contiguous run.
    const rank = x.shape.length;
    let axis = rank - 1;
    let run = extent[axis] ?? 1;
    while (axis > 0 && extent[axis] === x.shape[axis]) {
      axis--;
      run *= extent[axis]!;
    }
    const strides = tf.util.computeStrides(x.shape);
    const stride = (a: number) => (a === rank - 1 ? 1 : strides[a]!);
    // An odometer over the axes before the run.
    const index = start.slice(0, axis);
    let offset = start.reduce((sum, s, a) => sum + s * stride(a), 0);
    for (let at = 0; at < total; at += run) {
      dst.set(src.subarray(offset, offset + run), at);
      for (let a = axis - 1; a >= 0; a--) {
        index[a]!++;
        offset += stride(a);
        if (index[a]! < start[a]! + extent[a]!) break;
        index[a] = start[a]!;
        offset -= extent[a]! * stride(a);
      }
    }
    return out;
  };
}
