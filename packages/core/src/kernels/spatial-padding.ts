import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelRunner } from './backend-kernels.js';

/** Padding of the two spatial axes of an NHWC tensor; a negative amount removes pixels instead. */
export interface SpatialPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The `pad` attr of tfjs's Conv2D for explicit, per-side padding of an NHWC input. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Removes `crop` pixels from each side of an NHWC tensor. The Slice runs on an [N, H, W·C] view, as
 * wasm's Slice copies one innermost run at a time and whole rows are far longer runs than channels.
 */
export function cropSpatial(k: KernelRunner, x: TensorInfo, crop: SpatialPadding): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const height = h - crop.top - crop.bottom;
  const width = w - crop.left - crop.right;
  const rows = k.run('Reshape', { x }, { shape: [n, h, w * c] });
  const cropped = k.run(
    'Slice',
    { x: rows },
    { begin: [0, crop.top, crop.left * c], size: [n, height, width * c] },
  );
  return k.run('Reshape', { x: cropped }, { shape: [n, height, width, c] });
}

/**
 * Turns padding that may be negative into a crop of `x` (only when some side is negative) plus
 * non-negative explicit padding that the backend's forward Conv2D applies without a copy.
 * Returns undefined when the crop leaves nothing: then no output pixel depends on `x` at all.
 */
export function explicitPadding(
  k: KernelRunner,
  x: TensorInfo,
  p: SpatialPadding,
): { x: TensorInfo; pad: ExplicitPad } | undefined {
  const pad: ExplicitPad = [
    [0, 0],
    [Math.max(0, p.top), Math.max(0, p.bottom)],
    [Math.max(0, p.left), Math.max(0, p.right)],
    [0, 0],
  ];
  const crop = {
    top: Math.max(0, -p.top),
    bottom: Math.max(0, -p.bottom),
    left: Math.max(0, -p.left),
    right: Math.max(0, -p.right),
  };
  if (crop.top + crop.bottom + crop.left + crop.right === 0) return { x, pad };
  const [, h, w] = x.shape as [number, number, number, number];
  if (h - crop.top - crop.bottom < 1 || w - crop.left - crop.right < 1) return undefined;
  return { x: cropSpatial(k, x, crop), pad };
}
