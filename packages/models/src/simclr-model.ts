import { assertBoolean, assertImageBatch, describeValue, type ImageBatch, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fuseBatchNorm } from './internal/batch-norm.js';

/** The two parts of a {@link SimCLRModel}. */
export interface SimCLRModelParts {
  /** f: an `ImageBatch` `[N, H, W, C]` to the representation h `[N, D]` (`resnet`, `smallCnn` or your own). */
  encoder: tfl.LayersModel;
  /** g: h `[N, D]` to the projection z `[N, P]` the loss sees (`projectionHead` or your own). */
  head: tfl.LayersModel;
}

/** Options of {@link SimCLRModel.encode} and {@link SimCLRModel.project}. */
export interface ForwardOptions {
  /**
   * Run batch norm (and any dropout) in training mode: normalise with the batch's statistics and update
   * the moving mean and variance. Use true inside a training step, false to extract features.
   * Default: false.
   */
  training?: boolean;
}

/** What `save` records beside the topology, so `loadSimCLRModel` can split the model again. */
export interface SimCLRMetadata {
  simclr: { format: 1; encoder: string; head: string };
}

/** Name of the Keras model that `save` writes: the encoder and the head as two nested models. */
const SAVED_NAME = 'simclr';

/** Lets `loadSimCLRModel` hand a model the outer model it was loaded from (set in a static block). */
let adoptSaved: (model: SimCLRModel, saved: tfl.LayersModel) => void;

function assertSingleIO(model: unknown, name: string): asserts model is tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new SimclrError(`${name} must be a tf.LayersModel, got ${describeValue(model)}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new SimclrError(
      `${name} must have one input and one output, got ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  }
  if (model.outputs[0]!.shape.length !== 2) {
    throw new SimclrError(
      `${name} must output a rank-2 [N, D] tensor, got output shape [${model.outputs[0]!.shape.join(',')}]`,
    );
  }
}

/**
 * SimCLR's network: an encoder f and a projection head g. `encode` gives the representation h = f(x)
 * that downstream tasks use; `project` gives z = g(f(x)) for the contrastive loss.
 *
 * Both parts are ordinary tfjs-layers models, so the encoder can be dropped into another model and the
 * weights round-trip through the TensorFlow.js and Keras formats. With this package's encoders and head,
 * every weight name ends in `/kernel`, `/bias`, `/gamma`, `/beta`, `/moving_mean` or `/moving_variance`
 * (see `isBatchNormOrBias`).
 *
 * In training mode their batch-norm layers (`BatchNormalization` with the channel axis last) normalise
 * through `batchNormTraining` of `@simclr/core`: a fused kernel where the backend has one
 * (`@simclr/native`), and tfjs-layers' own ops, with its numbers, elsewhere.
 */
export class SimCLRModel {
  readonly encoder: tfl.LayersModel;
  readonly head: tfl.LayersModel;
  private readonly imageShape: readonly (number | null)[];
  private saved: tfl.LayersModel | undefined;

  static {
    adoptSaved = (model, saved) => {
      model.saved = saved;
    };
  }

  /** @throws SimclrError unless both parts have one input and one rank-2 output and their sizes and weight names fit. */
  constructor(parts: SimCLRModelParts) {
    if (parts === null || typeof parts !== 'object') {
      throw new SimclrError(`parts must be { encoder, head }, got ${describeValue(parts)}`);
    }
    const { encoder, head } = parts;
    assertSingleIO(encoder, 'encoder');
    assertSingleIO(head, 'head');
    const imageShape = encoder.inputs[0]!.shape;
    if (imageShape.length !== 4) {
      throw new SimclrError(
        `encoder must take an ImageBatch [N, H, W, C], got input shape [${imageShape.map(String).join(',')}]`,
      );
    }
    const hDim = encoder.outputs[0]!.shape[1];
    const headInput = head.inputs[0]!.shape;
    if (headInput.length !== 2 || headInput[1] !== hDim) {
      throw new SimclrError(
        `head must take the encoder's output [N, ${hDim}], got input shape [${headInput.map(String).join(',')}]`,
      );
    }
    // Models loaded from a saved topology have tfjs-layers' own batch norm; this covers them too.
    fuseBatchNorm(encoder);
    fuseBatchNorm(head);
    const encoderNames = new Set(encoder.weights.map((w) => w.originalName));
    const clash = head.weights.find((w) => encoderNames.has(w.originalName));
    if (clash !== undefined) {
      throw new SimclrError(
        `head and encoder must not share weight names (they are saved as one model), both have '${clash.originalName}'`,
      );
    }
    this.encoder = encoder;
    this.head = head;
    this.imageShape = imageShape;
  }

  /** h = f(x): `[N, D]`. Does not dispose `images`. */
  encode(images: ImageBatch, options: ForwardOptions = {}): tf.Tensor2D {
    const training = this.checkForward(images, options);
    return tf.tidy(() => this.encoder.apply(images, { training }) as tf.Tensor2D);
  }

  /** z = g(f(x)): `[N, P]`. Does not dispose `images`. */
  project(images: ImageBatch, options: ForwardOptions = {}): tf.Tensor2D {
    const training = this.checkForward(images, options);
    return tf.tidy(() => {
      const h = this.encoder.apply(images, { training }) as tf.Tensor2D;
      return this.head.apply(h, { training }) as tf.Tensor2D;
    });
  }

  /** The variables an optimizer updates: the encoder's, then the head's (batch-norm moving statistics excluded). */
  get trainableWeights(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...this.head.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
  }

  /**
   * Saves both parts as one Keras-format model (`model.json` + weights) through a tfjs IO handler or URL:
   * `indexeddb://name` or `downloads://name` in the browser, `fileSystem(dir)` from
   * `@simclr/models/node` in Node. `loadSimCLRModel` reads it back.
   */
  async save(target: string | tf.io.IOHandler, config?: tf.io.SaveConfig): Promise<tf.io.SaveResult> {
    return this.savedModel().save(target, config);
  }

  /** Frees the weights of both parts; neither can be used afterwards. */
  dispose(): void {
    if (this.saved === undefined) {
      this.encoder.dispose();
      this.head.dispose();
    } else {
      // Disposing a model disposes the models nested in it, down to a reference count of 0.
      this.saved.dispose();
    }
  }

  /** The Keras model that holds the encoder and the head as two nested models, built once. */
  private savedModel(): tfl.LayersModel {
    if (this.saved === undefined) {
      const input = tfl.input({ shape: this.imageShape.slice(1) as number[], name: 'images' });
      const h = this.encoder.apply(input) as tfl.SymbolicTensor;
      const z = this.head.apply(h) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: [h, z], name: SAVED_NAME });
      const metadata: SimCLRMetadata = {
        simclr: { format: 1, encoder: this.encoder.name, head: this.head.name },
      };
      model.setUserDefinedMetadata(metadata as unknown as object);
      this.saved = model;
    }
    return this.saved;
  }

  private checkForward(images: unknown, options: ForwardOptions): boolean {
    assertImageBatch(images, 'images');
    const want = this.imageShape;
    if (!images.shape.every((d, i) => i === 0 || want[i] === null || want[i] === d)) {
      throw new SimclrError(
        `images must have shape [N,${want.slice(1).join(',')}] for this encoder, got shape [${images.shape.join(',')}]`,
      );
    }
    if (options === null || typeof options !== 'object') {
      throw new SimclrError(`options must be an object, got ${describeValue(options)}`);
    }
    const { training = false } = options;
    assertBoolean(training, 'training');
    return training;
  }
}

function readMetadata(model: tfl.LayersModel): SimCLRMetadata['simclr'] {
  const meta = (model.getUserDefinedMetadata() as Partial<SimCLRMetadata> | undefined)?.simclr;
  if (meta?.format !== 1 || typeof meta.encoder !== 'string' || typeof meta.head !== 'string') {
    throw new SimclrError(
      `source must hold a model written by SimCLRModel.save (format 1), got user metadata ${describeValue(meta)}`,
    );
  }
  return meta;
}

/**
 * Loads a model written by `SimCLRModel.save`, from a tfjs IO handler or URL (`indexeddb://name`, an
 * `http(s)://…/model.json` URL, `fileSystem(dir)` from `@simclr/models/node`). The encoder and head come
 * back as separate `tf.LayersModel`s with the saved weights, batch-norm statistics included.
 *
 * @throws SimclrError when the source holds some other model.
 */
export async function loadSimCLRModel(source: string | tf.io.IOHandler): Promise<SimCLRModel> {
  const saved = await tfl.loadLayersModel(source);
  try {
    const meta = readMetadata(saved);
    const encoder = saved.getLayer(meta.encoder);
    const head = saved.getLayer(meta.head);
    if (!(encoder instanceof tfl.LayersModel) || !(head instanceof tfl.LayersModel)) {
      throw new SimclrError(
        `source must hold the encoder '${meta.encoder}' and head '${meta.head}' as nested models, got ${encoder.getClassName()} and ${head.getClassName()}`,
      );
    }
    const model = new SimCLRModel({ encoder, head });
    adoptSaved(model, saved);
    return model;
  } catch (error) {
    saved.dispose();
    throw error;
  }
}
