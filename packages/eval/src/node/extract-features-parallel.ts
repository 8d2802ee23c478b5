import { assertNumber, assertOptionsObject, SimclrError } from '@simclr/core';
import { resolveWorkerCount } from '@simclr/core/node';
import type { Dataset } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Encoder, encoderModel } from '../encoder.js';
import type { ExtractFeaturesOptions, Features } from '../extract-features.js';
import { assertLabelledDataset, assertOptionalFunction } from '../internal/validate.js';
import {
  moduleUrls,
  splitRanges,
  type WorkerOptions,
  workerBackend,
  workerThreads,
} from './worker-options.js';
import { WorkerPool } from './worker-pool.js';
import type { ModelArtifactsMessage } from './worker-protocol.js';

const CALLER = 'extractFeaturesParallel';
/** Batches a worker holds at most: one it encodes and the next, so that it does not wait for this thread. */
const IN_FLIGHT = 2;

/** Options of {@link extractFeaturesParallel}. */
export interface ExtractFeaturesParallelOptions extends ExtractFeaturesOptions, WorkerOptions {
  /**
   * Modules each worker imports before it loads the model: a `URL`, a `file:` URL string or a file path
   * (relative to the current directory). A model with custom layer classes needs one that registers them
   * (`tf.serialization.registerClass`). Default: none.
   */
  modules?: readonly (string | URL)[];
}

/** What `model.save` hands an IO handler, ready to be cloned into a worker. */
async function modelArtifacts(model: tfl.LayersModel): Promise<ModelArtifactsMessage> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const { modelTopology, weightSpecs = [], weightData = new ArrayBuffer(0) } = artifacts!;
  return { modelTopology: modelTopology as object, weightSpecs, weightData };
}

/**
 * {@link extractFeatures} on W worker threads: the same features, in the same order (bit-identical on
 * the same backend), for a dataset too large to encode on one core in good time.
 *
 * The dataset is read on this thread, in the same batches of `batchSize` images as `extractFeatures`
 * reads it; worker w encodes the w-th of W contiguous runs of batches (so at most as many workers start
 * as there are batches), with a copy of the encoder's weights, in inference mode. Each worker holds its
 * model and two batches at a time; the features come back to this thread as they are computed.
 *
 * The encoder crosses into the workers as a tfjs-layers model (topology and weights), so it must be one
 * (or an object holding one, such as a `SimCLRModel`): a function cannot be sent to another thread.
 * `onProgress` sees the number of images encoded so far, which grows by whole batches in the order the
 * workers finish them.
 *
 * @throws SimclrError for the bad input `extractFeatures` rejects, an encoder that is a function, a
 * `workers` that is not `'auto'` or an integer >= 1, and a worker that fails or exits (naming it; the
 * other workers are terminated).
 */
export async function extractFeaturesParallel(
  encoder: Encoder,
  dataset: Dataset,
  options: ExtractFeaturesParallelOptions = {},
): Promise<Features> {
  const model = encoderModel(encoder);
  if (model === null) {
    throw new SimclrError(
      `encoder must be a tf.LayersModel or an object holding one as \`encoder\` (a SimCLRModel) for ${CALLER}: ` +
        'a function cannot be sent to a worker thread; use extractFeatures for it',
    );
  }
  assertOptionsObject(options);
  const { batchSize = 256, onProgress } = options;
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  assertOptionalFunction(onProgress, 'onProgress');
  const requested = resolveWorkerCount(options.workers, 'workers');
  const backend = workerBackend(options.backend);
  const modules = moduleUrls(options.modules);
  assertLabelledDataset(dataset);
  const total = dataset.size;
  if (!Number.isInteger(total) || total < 1) {
    throw new SimclrError(`dataset must hold at least one image, got size ${total}`);
  }
  const [height, width, channels] = dataset.imageShape;
  const batchCount = Math.ceil(total / batchSize);
  const size = Math.min(requested, batchCount);
  const threads = workerThreads(options.threadsPerWorker, size);
  const artifacts = await modelArtifacts(model);

  const labels = new Int32Array(total);
  let values: Float32Array | undefined;
  let dim = 0;
  let done = 0;
  const store = (start: number, rows: number, features: Float32Array, featureDim: number) => {
    if (values === undefined) {
      dim = featureDim;
      values = new Float32Array(total * dim);
    } else if (featureDim !== dim) {
      throw new SimclrError(
        `encoder must return the same feature size for every batch, got ${featureDim} after ${dim}`,
      );
    }
    values.set(features, start * dim);
    done += rows;
    onProgress?.(done, total);
  };

  const pool = new WorkerPool(
    CALLER,
    Array.from({ length: size }, (_, rank) => ({
      rank,
      size,
      backend,
      threads,
      modules,
      task: { kind: 'features' as const, model: artifacts },
    })),
  );
  // The first error on this thread (reading the dataset, onProgress): every feeder stops at it.
  let stopped: { error: unknown } | undefined;
  const feed = async (rank: number, [first, end]: [number, number]) => {
    const inFlight: Promise<void>[] = [];
    try {
      for (let b = first; b < end && stopped === undefined && pool.failure === undefined; b++) {
        const start = b * batchSize;
        const rows = Math.min(batchSize, total - start);
        const batch = await dataset.get(Array.from({ length: rows }, (_, i) => start + i));
        let images: Float32Array;
        try {
          if (batch.labels === undefined) {
            throw new SimclrError('dataset must have labels: a batch came without them');
          }
          labels.set(await batch.labels.data(), start);
          // A copy to transfer: on cpu, data() is the backend's own array.
          images = new Float32Array(await batch.images.data());
        } finally {
          batch.images.dispose();
          batch.labels?.dispose();
        }
        const encoded = pool
          .request<'encoded'>(rank, { type: 'encode', images, shape: [rows, height, width, channels] }, [
            images.buffer,
          ])
          .then((reply) => store(start, rows, reply.features, reply.dim));
        // Awaited in turn below; this keeps one that fails while an earlier one is awaited from going unhandled.
        encoded.catch(() => {});
        inFlight.push(encoded);
        if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      }
      for (const encoded of inFlight) await encoded;
    } catch (error) {
      if (stopped === undefined && pool.failure === undefined) {
        stopped = { error };
        void pool.close();
      }
      throw error;
    }
  };

  try {
    // The first batches go out while the workers still set up: they answer `ready` first, then in order.
    await pool.settle([
      pool.ready(),
      ...splitRanges(batchCount, size).map((range, rank) => feed(rank, range)),
    ]);
  } catch (error) {
    // Not the workers that this error's pool.close() terminated.
    throw stopped !== undefined ? stopped.error : error;
  } finally {
    await pool.close();
  }
  return {
    features: tf.tensor2d(values!, [total, dim], 'float32'),
    labels,
    numClasses: dataset.numClasses,
    ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
  };
}
