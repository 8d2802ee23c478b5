/**
 * Speed of the training kernels of @simclr/core against the kernels tfjs ships, in one process:
 *
 *   cd bench && npx tsx --conditions=source conv-kernels.ts [--quick]
 *
 * 1. Each conv of a small CIFAR ResNet, batch 32: GFLOP/s of the forward Conv2D, of the input gradient
 *    dX and of the filter gradient dW, with the backend's own kernels ("stock") and with ours; on wasm
 *    also the transposed matrix products of a dense layer's gradient.
 * 2. One training step (forward + backward + SGD update) of that ResNet on wasm, ms/step, with and
 *    without our kernels and our batch-norm and mean gradients.
 *
 * Times are this process's CPU time (user + system), not wall time: wasm and cpu run on one thread here
 * (Node has no wasm threads), and CPU time stays put when other work shares the machine, where wall
 * time does not. Kernels report the minimum over repetitions, steps the median; variants alternate.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.argv.includes('--quick');

// tfjs-layers has registered tfjs-core's own gradients; keep its batch-norm and mean gradients before
// @simclr/core replaces them, and the backends' own kernels before they are replaced too.
const stockGrads = [tf.getGradient(tf.FusedBatchNorm), tf.getGradient(tf.Mean)];
const stock = {
  wasmDx: tf.getKernel(tf.Conv2DBackpropInput, 'wasm'),
  wasmMatMul: tf.getKernel(tf.BatchMatMul, 'wasm'),
  cpuDw: tf.getKernel(tf.Conv2DBackpropFilter, 'cpu'),
};
const { registerTrainingKernels } = await import('@simclr/core');
const ourGrads = [tf.getGradient(tf.FusedBatchNorm), tf.getGradient(tf.Mean)];

function useKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Registers our kernels on `backend` and makes it active. */
async function activate(backend: 'wasm' | 'cpu'): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  registerTrainingKernels(backend);
}

interface ConvLayer {
  name: string;
  /** [N, H, W, Ci] */
  x: [number, number, number, number];
  /** [FH, FW, Ci, Co] */
  filter: [number, number, number, number];
  stride: number;
}

/** The distinct convolutions of the ResNet below. */
const LAYERS: ConvLayer[] = [
  { name: 'stem 32² 3→16 3×3', x: [32, 32, 32, 3], filter: [3, 3, 3, 16], stride: 1 },
  { name: '32² 16→16 3×3', x: [32, 32, 32, 16], filter: [3, 3, 16, 16], stride: 1 },
  { name: '32² 16→32 3×3 s2', x: [32, 32, 32, 16], filter: [3, 3, 16, 32], stride: 2 },
  { name: '32² 16→32 1×1 s2', x: [32, 32, 32, 16], filter: [1, 1, 16, 32], stride: 2 },
  { name: '16² 32→32 3×3', x: [32, 16, 16, 32], filter: [3, 3, 32, 32], stride: 1 },
  { name: '16² 32→64 3×3 s2', x: [32, 16, 16, 32], filter: [3, 3, 32, 64], stride: 2 },
  { name: '8² 64→64 3×3', x: [32, 8, 8, 64], filter: [3, 3, 64, 64], stride: 1 },
];

/** CPU time of this process in ms since an earlier `process.cpuUsage()`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

/** Minimum CPU time of `fn` over `reps` runs after one warm-up, in ms. */
function minTime(fn: () => tf.Tensor, reps: number): number {
  fn().dispose();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = process.cpuUsage();
    const out = fn();
    out.dataSync();
    best = Math.min(best, cpuMs(t0));
    out.dispose();
  }
  return best;
}

function gflops(flop: number, ms: number): string {
  if (!Number.isFinite(ms)) return '      –';
  const rate = flop / ms / 1e6;
  return (rate < 0.1 ? rate.toPrecision(2) : rate.toFixed(2)).padStart(7);
}

function kernelTable(backend: 'wasm' | 'cpu'): void {
  const reps = quick ? 2 : 5;
  console.log(`\n${backend}: GFLOP/s (2·N·OH·OW·FH·FW·Ci·Co / time), batch 32`);
  console.log(
    `${'layer'.padEnd(20)} ${'fwd'.padStart(7)} ${'dX stk'.padStart(7)} ${'dX ours'.padStart(7)} ` +
      `${'dW stk'.padStart(7)} ${'dW ours'.padStart(7)}   dX ×   dW ×`,
  );
  for (const layer of LAYERS) {
    const x = tf.randomUniform(layer.x, -1, 1) as tf.Tensor4D;
    const w = tf.randomUniform(layer.filter, -1, 1) as tf.Tensor4D;
    const y = tf.conv2d(x, w, layer.stride, 'same');
    const dy = tf.randomUniform(y.shape, -1, 1) as tf.Tensor4D;
    const [fh, fw, ci] = layer.filter;
    const flop = 2 * y.size * fh * fw * ci;
    const dX = () => tf.conv2dTranspose(dy, w, layer.x, layer.stride, 'same');
    const dW = () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x, dy },
          { strides: layer.stride, pad: 'same', dataFormat: 'NHWC', filterShape: layer.filter },
        ) as tf.Tensor;
    const fwd = minTime(() => tf.conv2d(x, w, layer.stride, 'same'), reps);
    const oursDx = backend === 'wasm' ? minTime(dX, reps) : Number.NaN;
    const oursDw = minTime(dW, reps);
    let stockDx: number;
    let stockDw = Number.NaN;
    if (backend === 'wasm') {
      const mine = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
      useKernel(stock.wasmDx);
      stockDx = minTime(dX, reps);
      useKernel(mine);
    } else {
      stockDx = minTime(dX, reps);
      // tfjs-backend-cpu's dW runs at ~0.01 GFLOP/s: time it once, and only where that takes seconds.
      if (flop <= 3e7) {
        const mine = tf.getKernel(tf.Conv2DBackpropFilter, 'cpu');
        useKernel(stock.cpuDw);
        stockDw = minTime(dW, 1);
        useKernel(mine);
      }
    }
    const dxGain = backend === 'wasm' ? `${(stockDx / oursDx).toFixed(1)}×`.padStart(6) : '     –';
    const dwGain = Number.isFinite(stockDw) ? `${(stockDw / oursDw).toFixed(0)}×`.padStart(6) : '     –';
    console.log(
      `${layer.name.padEnd(20)} ${gflops(flop, fwd)} ${gflops(flop, stockDx)} ${gflops(flop, oursDx)} ` +
        `${gflops(flop, stockDw)} ${gflops(flop, oursDw)} ${dxGain} ${dwGain}`,
    );
    tf.dispose([x, w, y, dy]);
  }
  if (backend === 'wasm') {
    console.log(
      'dW stk: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so conv nets cannot train on it at all.',
    );
  } else {
    console.log('dX ours: cpu keeps its own Conv2DBackpropInput (a Conv2D-based one is not faster there).');
    console.log('dW stk: timed only for layers of ≤ 30 MFLOP; it runs at about 0.01 GFLOP/s.');
  }
}

function matMulTable(): void {
  const reps = quick ? 2 : 5;
  const [m, k, n] = [512, 512, 512];
  const flop = 2 * m * k * n;
  console.log(`\nwasm BatchMatMul ${m}×${k}·${k}×${n}: GFLOP/s, stock → ours`);
  const mine = tf.getKernel(tf.BatchMatMul, 'wasm');
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
  ] as const) {
    const a = tf.randomUniform([m, k]);
    const b = tf.randomUniform([k, n]);
    // A fresh B per call, as weights are in training: XNNPACK caches packed weights per tensor.
    const product = () => tf.tidy(() => tf.matMul(a, b.clone(), transposeA, transposeB));
    useKernel(stock.wasmMatMul);
    const before = minTime(product, reps);
    useKernel(mine);
    const after = minTime(product, reps);
    const label = transposeA
      ? 'Aᵀ·B (dB of a dense layer)'
      : transposeB
        ? 'A·Bᵀ (dA of a dense layer)'
        : 'A·B';
    console.log(
      `${label.padEnd(28)} ${gflops(flop, before)} → ${gflops(flop, after)}  ${(before / after).toFixed(1)}×`,
    );
    tf.dispose([a, b]);
  }
}

function convBn(x: tfl.SymbolicTensor, filters: number, size: number, stride: number, relu: boolean) {
  const conv = tfl.layers.conv2d({
    filters,
    kernelSize: size,
    strides: stride,
    padding: 'same',
    useBias: false,
  });
  const y = tfl.layers.batchNormalization({}).apply(conv.apply(x)) as tfl.SymbolicTensor;
  return relu ? (tfl.layers.reLU().apply(y) as tfl.SymbolicTensor) : y;
}

/** A CIFAR ResNet: 3×3 stem, one basic block per stage (16, 32, 64 channels), pooling, dense. */
function resnet(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  let h = convBn(input, 16, 3, 1, true);
  for (const [filters, stride] of [
    [16, 1],
    [32, 2],
    [64, 2],
  ] as const) {
    const body = convBn(convBn(h, filters, 3, stride, true), filters, 3, 1, false);
    const shortcut = stride === 1 ? h : convBn(h, filters, 1, stride, false);
    h = tfl.layers.reLU().apply(tfl.layers.add().apply([body, shortcut])) as tfl.SymbolicTensor;
  }
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(h);
  return tfl.model({
    inputs: input,
    outputs: tfl.layers.dense({ units: 10 }).apply(pooled) as tfl.SymbolicTensor,
  });
}

interface Variant {
  label: string;
  dx: tf.KernelConfig;
  matMul: tf.KernelConfig;
  grads: tf.GradConfig[];
}

function trainingSteps(): void {
  const model = resnet();
  const images = tf.randomUniform([32, 32, 32, 3]);
  const labels = tf.oneHot(tf.randomUniform([32], 0, 10, 'int32') as tf.Tensor1D, 10);
  const optimizer = tf.train.sgd(0.01);
  const weights = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor),
      true,
      weights,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  const oursDx = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  const oursMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  const variants: Variant[] = [
    {
      label: 'before: stock kernels and grads',
      dx: stock.wasmDx,
      matMul: stock.wasmMatMul,
      grads: stockGrads,
    },
    { label: 'our kernels, stock grads', dx: oursDx, matMul: oursMatMul, grads: stockGrads },
    { label: 'after: our kernels and grads', dx: oursDx, matMul: oursMatMul, grads: ourGrads },
  ];
  const use = (v: Variant) => {
    useKernel(v.dx);
    useKernel(v.matMul);
    for (const g of v.grads) tf.registerGradient(g);
  };
  const times: number[][] = variants.map(() => []);
  const rounds = quick ? 2 : 5;
  for (const v of variants) {
    use(v);
    step();
  }
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, i) => {
      use(v);
      for (let s = 0; s < 2; s++) {
        const t0 = process.cpuUsage();
        step();
        times[i]!.push(cpuMs(t0));
      }
    });
  }
  const median = (ts: number[]) => [...ts].sort((a, b) => a - b)[ts.length >> 1]!;
  const medians = times.map(median);
  const mins = times.map((ts) => Math.min(...ts));
  console.log('\nwasm training step: CIFAR ResNet (3 basic blocks, BN), 32×32×3, batch 32, SGD');
  console.log(
    'All variants use our dW: stock tfjs-backend-wasm has no Conv2DBackpropFilter, so without it a step throws.',
  );
  console.log(
    '"stock" = tfjs-backend-wasm\'s own Conv2DBackpropInput and BatchMatMul; tfjs-core\'s FusedBatchNorm and Mean gradients.',
  );
  variants.forEach((v, i) => {
    console.log(
      `${v.label.padEnd(34)} ${medians[i]!.toFixed(0).padStart(6)} CPU ms/step median, ${mins[i]!.toFixed(0).padStart(6)} min`,
    );
  });
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(
    `speed-up before → after: ${ratio(medians[0]!, medians[2]!)} (median), ${ratio(mins[0]!, mins[2]!)} (min)`,
  );
  const saved = mins[1]! - mins[2]!;
  console.log(
    `batch-norm path: tfjs-core's FusedBatchNorm and Mean gradients cost ${saved.toFixed(0)} CPU ms/step more ` +
      `than ours (${((saved / mins[1]!) * 100).toFixed(0)}% of that step, from the minimum times)`,
  );
  use(variants[2]!);
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
}

await activate('wasm');
kernelTable('wasm');
matMulTable();
trainingSteps();
await activate('cpu');
kernelTable('cpu');
