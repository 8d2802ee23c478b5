/**
 * GFLOP/s of each @simclr/native kernel on the convolutions of ResNet-18 with the CIFAR stem (widths 1
 * and ÷4), against the machine's practical peak, in one process:
 *
 *   cd bench && npx tsx --conditions=source native-kernels.ts [--batch 128] [--quick]
 *
 * For every distinct convolution: the forward Conv2D, the input gradient dX and the filter gradient dW,
 * wall time (the kernels use every core), best of several runs. The percentages are of the practical
 * peak: the best rate of this run, over oneDNN's matmul on a 2048³ product through the same addon and
 * every kernel measured (a VM does not say its clock, so the theoretical peak is unknown here). With
 * `--torch`, PyTorch's own convolutions on the same shapes (all threads) in the same run, from
 * `native_kernels_torch.py`.
 */
import '@tensorflow/tfjs-backend-wasm';
import '@simclr/native';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { PYTHON } from './torch.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const batch = Number(args[args.indexOf('--batch') + 1] ?? 0) || 128;
const withTorch = args.includes('--torch');
const reps = quick ? 2 : 5;

interface Conv {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
}

/** The distinct convolutions of a CIFAR-stem ResNet-18 of the given base width (64 or 16). */
function layers(width: number): Conv[] {
  const w = [width, 2 * width, 4 * width, 8 * width];
  const out: Conv[] = [
    { name: `stem 32² 3→${w[0]}`, x: [batch, 32, 32, 3], filter: [3, 3, 3, w[0]!], stride: 1 },
  ];
  let side = 32;
  w.forEach((c, stage) => {
    if (stage > 0) {
      const prev = w[stage - 1]!;
      out.push({
        name: `${side}² ${prev}→${c} s2`,
        x: [batch, side, side, prev],
        filter: [3, 3, prev, c],
        stride: 2,
      });
      out.push({
        name: `${side}² ${prev}→${c} 1×1 s2`,
        x: [batch, side, side, prev],
        filter: [1, 1, prev, c],
        stride: 2,
      });
      side /= 2;
    }
    out.push({ name: `${side}² ${c}→${c}`, x: [batch, side, side, c], filter: [3, 3, c, c], stride: 1 });
  });
  return out;
}

/**
 * Best wall time of `fn` in ms over `reps` runs after a warm-up. The kernels are synchronous, and
 * reading the result back (a copy out of the wasm heap) is no part of a training step, so it is not timed.
 */
function best(fn: () => tf.Tensor): number {
  fn().dispose();
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    ms = Math.min(ms, performance.now() - t0);
    out.dispose();
  }
  return ms;
}

const info = await setupBackend('native');
if (info.name !== 'native')
  throw new Error(`the native kernels are not available here: ${info.skipped.join('; ')}`);

const matmulRate = tf.tidy(() => {
  const a = tf.randomNormal([2048, 2048]);
  const b = tf.randomNormal([2048, 2048]);
  return (2 * 2048 ** 3) / best(() => tf.matMul(a, b)) / 1e6;
});

function measure(c: Conv): [number, number, number] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x) as tf.Tensor4D;
    const filter = tf.randomNormal(c.filter) as tf.Tensor4D;
    const pad = c.filter[0] === 1 ? 'valid' : 'same';
    const y = tf.conv2d(x, filter, c.stride, pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const flop = 2 * y.size * c.filter[0] * c.filter[1] * c.filter[2];
    const rate = (ms: number) => flop / ms / 1e6;
    return [
      rate(best(() => tf.conv2d(x, filter, c.stride, pad))),
      rate(best(() => tf.conv2dTranspose(dy, filter, c.x, c.stride, pad))),
      rate(
        best(
          () =>
            tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
              strides: c.stride,
              pad,
              dataFormat: 'NHWC',
              dimRoundingMode: undefined,
              filterShape: c.filter,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
        ),
      ),
    ];
  });
}

function torchRates(convs: Conv[]): number[][] | null {
  if (!withTorch) return null;
  const out = execFileSync(PYTHON, [new URL('./native_kernels_torch.py', import.meta.url).pathname], {
    input: JSON.stringify({ reps, convs }),
    encoding: 'utf8',
  });
  return JSON.parse(out) as number[][];
}

const tables = [16, 64].map((width) => {
  const convs = layers(width);
  return { width, convs, ours: convs.map(measure), theirs: torchRates(convs) };
});
const peak = Math.max(matmulRate, ...tables.flatMap((t) => t.ours.flat()));

console.log(`@simclr/native on ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} threads; batch ${batch}`);
console.log(
  `oneDNN matmul 2048³: ${matmulRate.toFixed(0)} GFLOP/s; practical peak (best rate of this run): ${peak.toFixed(0)} GFLOP/s\n`,
);
for (const { width, convs, ours, theirs } of tables) {
  console.log(
    `ResNet-18 width ${width}: GFLOP/s (% of peak)${theirs ? ' | PyTorch (all threads) GFLOP/s' : ''}`,
  );
  console.log(`${'conv'.padEnd(22)}${['forward', 'dX', 'dW'].map((s) => s.padStart(13)).join('')}`);
  convs.forEach((c, i) => {
    const cells = ours[i]!.map(
      (r) => `${r.toFixed(0).padStart(5)} (${((100 * r) / peak).toFixed(0).padStart(3)}%)`,
    );
    const torch = theirs ? ` | ${theirs[i]!.map((r) => r.toFixed(0).padStart(5)).join(' ')}` : '';
    console.log(`${c.name.padEnd(22)}${cells.map((s) => s.padStart(13)).join('')}${torch}`);
  });
  console.log();
}
