import { type RngState, SimclrError } from '@simclr/core';
import { loadSimCLRModel, type SimCLRModel } from '@simclr/models';
import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointFiles } from './checkpoint-sink.js';
import type { PretrainConfig } from './config.js';
import type { NamedTensor } from './named-tensor.js';

/** Where a run stands: everything besides weights needed to continue it exactly. */
export interface TrainingState {
  /** Optimisation steps done. */
  step: number;
  /** The epoch the next step belongs to (0-based). */
  epoch: number;
  /** Steps of `epoch` already done. */
  stepInEpoch: number;
  /** State of the data-order generator at the start of `epoch` (the epoch's shuffle is redrawn from it). */
  dataRngAtEpochStart: RngState;
  /** State of the augmentation generator now. */
  augmentRng: RngState;
  /** The run's validated configuration. */
  config: PretrainConfig;
  /** Images in the dataset the run trains on (absent in checkpoints written before it was recorded). */
  datasetSize?: number;
}

const MODEL_JSON = 'model/model.json';
const MODEL_WEIGHTS = 'model/weights.bin';
const OPTIMIZER_JSON = 'optimizer.json';
const OPTIMIZER_WEIGHTS = 'optimizer.bin';
const STATE_JSON = 'state.json';

function toBytes(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  return new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The model alone, as the `model/` files of a checkpoint (the TensorFlow.js layers format). */
export async function encodeModel(model: SimCLRModel): Promise<CheckpointFiles> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy, userDefinedMetadata } =
    artifacts!;
  const modelJson = {
    modelTopology,
    format,
    generatedBy,
    convertedBy,
    userDefinedMetadata,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
  };
  return { [MODEL_JSON]: JSON.stringify(modelJson), [MODEL_WEIGHTS]: toBytes(weightData!) };
}

/** A new model from the `model/` files of a checkpoint (or of `encodeModel`). */
export async function decodeModel(files: Map<string, Uint8Array>): Promise<SimCLRModel> {
  const modelJson = JSON.parse(text(need(files, MODEL_JSON))) as tf.io.ModelJSON;
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  return loadSimCLRModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs,
      weightData: toArrayBuffer(need(files, MODEL_WEIGHTS)),
      ...(modelJson.userDefinedMetadata !== undefined && {
        userDefinedMetadata: modelJson.userDefinedMetadata,
      }),
    }),
  );
}

/**
 * Serialises a run: `model/` in the TensorFlow.js layers format (loadable with `loadSimCLRModel` and
 * `fileSystem` from `@simclr/models/node`), the optimizer's slots, and `state.json`.
 */
export async function encodeCheckpoint(
  model: SimCLRModel,
  optimizer: tf.Optimizer,
  state: TrainingState,
): Promise<CheckpointFiles> {
  const modelFiles = await encodeModel(model);
  const optimizerWeights = await optimizer.getWeights();
  const stableNames = new Map(modelVariables(model).map((v) => [v.engineName, v.originalName]));
  const { data: optimizerData, specs: optimizerSpecs } = await tf.io.encodeWeights(
    renameSlots(optimizerWeights, stableNames),
  );
  // getWeights hands out a fresh iteration-count scalar; the slot variables stay the optimizer's.
  tf.dispose(optimizerWeights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  return {
    ...modelFiles,
    [OPTIMIZER_JSON]: JSON.stringify({
      className: (optimizer.constructor as { className?: string }).className,
      specs: optimizerSpecs,
    }),
    [OPTIMIZER_WEIGHTS]: toBytes(optimizerData),
    [STATE_JSON]: JSON.stringify(state, null, 2),
  };
}

/**
 * Optimizer slots are keyed by the engine's variable names, which differ between two instances of the
 * same architecture; in a checkpoint they are keyed by the layers' stable `originalName`s instead.
 */
function renameSlots(weights: NamedTensor[], names: ReadonlyMap<string, string>): NamedTensor[] {
  return weights.map(({ name, tensor }) => {
    for (const [from, to] of names) {
      if (name.startsWith(`${from}/`)) return { name: to + name.slice(from.length), tensor };
    }
    return { name, tensor };
  });
}

function modelVariables(model: SimCLRModel) {
  return [...model.encoder.weights, ...model.head.weights].map((w) => ({
    engineName: (w.read() as tf.Variable).name,
    originalName: w.originalName,
  }));
}

function need(files: Map<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files.get(name);
  if (bytes === undefined) throw new SimclrError(`checkpoint must contain ${name}, it does not`);
  return bytes;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Reads just the training state of a checkpoint. */
export function readTrainingState(files: Map<string, Uint8Array>): TrainingState {
  return JSON.parse(text(need(files, STATE_JSON))) as TrainingState;
}

/**
 * Writes the weights of a checkpoint's `model/` files into `model` (batch-norm statistics included),
 * matched by name; every weight of the model must be present with its shape.
 */
export function writeModelWeights(files: Map<string, Uint8Array>, model: SimCLRModel): void {
  const modelJson = JSON.parse(text(need(files, MODEL_JSON))) as {
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const saved = tf.io.decodeWeights(toArrayBuffer(need(files, MODEL_WEIGHTS)), specs);
  try {
    for (const w of [...model.encoder.weights, ...model.head.weights]) {
      const value = saved[w.originalName];
      if (value === undefined) {
        throw new SimclrError(`checkpoint must hold weight '${w.originalName}' of this model, it does not`);
      }
      if (value.shape.join(',') !== w.shape.join(',')) {
        throw new SimclrError(
          `checkpoint weight '${w.originalName}' must have shape [${w.shape.join(',')}], got [${value.shape.join(',')}]`,
        );
      }
      w.write(value);
    }
  } finally {
    tf.dispose(Object.values(saved));
  }
}

/**
 * Writes a checkpoint's weights into `model` (batch-norm statistics included) and its slots into
 * `optimizer`, and returns its training state. Weights are matched by name and must all be present.
 */
export async function restoreCheckpoint(
  files: Map<string, Uint8Array>,
  model: SimCLRModel,
  optimizer: tf.Optimizer,
): Promise<TrainingState> {
  writeModelWeights(files, model);
  const optimizerJson = JSON.parse(text(need(files, OPTIMIZER_JSON))) as {
    specs: tf.io.WeightsManifestEntry[];
  };
  const slots = tf.io.decodeWeights(toArrayBuffer(need(files, OPTIMIZER_WEIGHTS)), optimizerJson.specs);
  const engineNames = new Map(modelVariables(model).map((v) => [v.originalName, v.engineName]));
  const named = optimizerJson.specs.map((s) => ({ name: s.name, tensor: slots[s.name]! }));
  await optimizer.setWeights(renameSlots(named, engineNames));
  tf.dispose(Object.values(slots));
  return readTrainingState(files);
}
