/**
 * Data-parallel training throughput: `pretrainParallel` of @simclr/train/node with W workers on the
 * training step of `simclr-step.ts` (the same model, augmentation, NT-Xent and LARS), on a dataset of
 * seeded random images large enough for the protocol's steps. Each step is timed on the coordinating
 * thread from the batch's arrival to the workers' replies, so it includes the shard transfers and the
 * collectives.
 */
import { fromTensors } from '@simclr/data';
import type { ReplicaMemory, StepMetrics } from '@simclr/train';
import { pretrainParallel } from '@simclr/train/node';
import * as tf from '@tensorflow/tfjs-core';
import { AUGMENT_STRENGTH, IMAGE_SIZE, type ModelName, type Protocol, TEMPERATURE } from './cases.js';
import { buildModel } from './simclr-step.js';

export interface ParallelMeasurement {
  workers: number;
  params: number;
  /** Wall time of each timed step, ms. */
  stepMs: number[];
  loss: number;
  /** Each worker's peak memory. */
  workerMemory: ReplicaMemory[];
  /** Tensors alive in each worker after every step (the first sample after warm-up, the last). */
  tensorsFirst: number[];
  tensorsLast: number[];
}

export async function measureParallel(
  model: ModelName,
  batch: number,
  workers: number,
  protocol: Protocol,
  backend: 'wasm' | 'cpu',
): Promise<ParallelMeasurement> {
  const steps = protocol.warmup + protocol.maxSteps;
  const images = tf.randomUniform([batch * steps, IMAGE_SIZE, IMAGE_SIZE, 3], 0, 1, 'float32', 1);
  const dataset = await fromTensors(images);
  images.dispose();
  const simclr = buildModel(model);
  const params = simclr.trainableWeights.reduce((n, v) => n + v.size, 0);
  const controller = new AbortController();
  const stepMs: number[] = [];
  let elapsed = 0;
  let loss = Number.NaN;
  let taken = 0;
  let tensorsFirst: number[] = [];
  let tensorsLast: number[] = [];
  const result = await pretrainParallel(
    {
      epochs: 1,
      batchSize: batch,
      seed: 0,
      checkpointEvery: 0,
      resume: 'never',
      optimizer: { name: 'lars', baseLearningRate: 0.3, warmupEpochs: 0 },
      loss: { name: 'nt-xent', temperature: TEMPERATURE },
    },
    {
      model: simclr,
      dataset,
      augment: { simclr: { size: IMAGE_SIZE, strength: AUGMENT_STRENGTH, blur: false } },
      workers,
      backend,
      signal: controller.signal,
      onWorkerMemory: (m) => {
        if (taken === protocol.warmup) tensorsFirst = m.map((w) => w.numTensors);
        tensorsLast = m.map((w) => w.numTensors);
      },
      onStep: (m: StepMetrics) => {
        taken++;
        loss = m.loss;
        if (taken <= protocol.warmup) return;
        const ms = (batch * 1000) / m.imagesPerSecond;
        stepMs.push(ms);
        elapsed += ms;
        const enough =
          stepMs.length >= protocol.minSteps &&
          (stepMs.length >= protocol.maxSteps || elapsed >= protocol.seconds * 1000);
        if (enough) controller.abort();
      },
    },
  );
  simclr.dispose();
  return { workers, params, stepMs, loss, workerMemory: result.peakMemory, tensorsFirst, tensorsLast };
}
