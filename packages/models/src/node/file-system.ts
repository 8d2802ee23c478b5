import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeValue, SimclrError } from '@simclr/core';
import { syncDirectory, writeFileDurable } from '@simclr/core/node';
import * as tf from '@tensorflow/tfjs-core';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function siblingName(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${randomBytes(6).toString('hex')}`);
}

async function save(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new SimclrError('fileSystem saves Keras-format JSON topologies; got a binary (GraphDef) topology');
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weights = new Uint8Array(
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
  );
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: weightSpecs }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata !== undefined)
    modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer !== undefined) modelJson.modelInitializer = artifacts.modelInitializer;

  await mkdir(dirname(dir), { recursive: true });
  // Both files are written and synced in a fresh directory beside the target, which then takes the
  // target's name in one rename: a reader never sees a model.json without its weights.bin, or from
  // another save than its weights. Replacing an existing directory takes a second rename, so a crash
  // between the two leaves the previous version as `.<name>.old-…` beside the target.
  const temp = siblingName(dir, 'tmp');
  await mkdir(temp);
  try {
    await writeFileDurable(join(temp, WEIGHTS_BIN), weights);
    await writeFileDurable(join(temp, MODEL_JSON), JSON.stringify(modelJson));
    await syncDirectory(temp);
    if (await exists(dir)) {
      const old = siblingName(dir, 'old');
      await rename(dir, old);
      await rename(temp, dir);
      await syncDirectory(dirname(dir));
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
      await syncDirectory(dirname(dir));
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(weightSpecs).length,
      weightDataBytes: weights.byteLength,
    },
  };
}

async function load(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (error) {
    throw new SimclrError(`fileSystem could not read ${jsonPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new SimclrError(`${jsonPath} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const path of group.paths) {
        const bytes = await readFile(join(dir, path));
        buffers.push(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        );
      }
    }
    return [tf.io.getWeightSpecs(manifest), tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

/**
 * A tfjs IO handler for a model directory on the local file system: `model.json` (Keras-format topology
 * and weights manifest) and `weights.bin`, the layout of `tf.io.fileSystem` in `@tensorflow/tfjs-node`,
 * which this package does not need. Saving is atomic: the files are written and synced in a temporary
 * directory beside `dir`, then renamed into place.
 *
 * ```ts
 * await model.save(fileSystem('checkpoints/epoch-10'));
 * const restored = await loadSimCLRModel(fileSystem('checkpoints/epoch-10'));
 * ```
 */
export function fileSystem(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new SimclrError(`dir must be a non-empty path string, got ${describeValue(dir)}`);
  }
  const path = resolve(dir);
  return {
    save: (artifacts) => save(path, artifacts),
    load: () => load(path),
  };
}
