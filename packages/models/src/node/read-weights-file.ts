import { readFile } from 'node:fs/promises';
import { describeValue, optionsObject, SimclrError } from '@simclr/core';
import { ioError } from '@simclr/core/node';
import { looksLikeZip } from '../weights/internal/zip.js';
import { readSafetensors } from '../weights/safetensors.js';
import type { StateDict } from '../weights/state-dict.js';
import {
  readTorchCheckpoint,
  type StateDictFromOptions,
  stateDictFrom,
  type TorchCheckpointOptions,
} from '../weights/torch-checkpoint.js';

/** What {@link readWeightsFile} read. */
export interface WeightsFile {
  format: 'safetensors' | 'torch';
  stateDict: StateDict;
  /** The safetensors header's `__metadata__`; absent for a torch checkpoint. */
  metadata?: Record<string, string>;
  /** The whole object that `torch.save` wrote (see `readTorchCheckpoint`); absent for safetensors. */
  checkpoint?: unknown;
}

/** Options of {@link readWeightsFile}: those of `readTorchCheckpoint` and `stateDictFrom`, for torch files. */
export interface ReadWeightsFileOptions extends TorchCheckpointOptions, StateDictFromOptions {}

/**
 * Whether `bytes` starts as a safetensors file: a header length that fits in the file, followed by `{`.
 */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  return length >= 2 && length <= bytes.length - 8 && bytes[8] === 0x7b;
}

/**
 * The state dict of a PyTorch weights file, its format told by its content, not its name: a safetensors
 * file (`readSafetensors`) or a `torch.save` checkpoint (`readTorchCheckpoint`, then `stateDictFrom`
 * with `options`). A file in torch's pre-1.6 format is refused with advice to re-save it.
 *
 * @throws SimclrError with code `'io'` when the file cannot be read (naming the path and the cause),
 *   `'corrupt'` when its content is damaged, in no known format, or names a refused Python global.
 */
export async function readWeightsFile(path: string, options?: ReadWeightsFileOptions): Promise<WeightsFile> {
  if (typeof path !== 'string' || path === '') {
    throw new SimclrError(`readWeightsFile: path must be a non-empty string, got ${describeValue(path)}`);
  }
  const { allowGlobals, key, onSkip } = optionsObject(options, 'readWeightsFile: options');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw ioError(error, 'read weights file', path);
  }
  try {
    if (looksLikeSafetensors(bytes)) {
      const { tensors, metadata } = readSafetensors(bytes);
      return { format: 'safetensors', stateDict: tensors, metadata };
    }
    if (looksLikeZip(bytes) || bytes[0] === 0x80) {
      const checkpoint = readTorchCheckpoint(bytes, { allowGlobals });
      return { format: 'torch', stateDict: stateDictFrom(checkpoint, { key, onSkip }), checkpoint };
    }
  } catch (error) {
    if (SimclrError.is(error)) {
      throw new SimclrError(`${path}: ${error.message}`, { code: error.code, cause: error });
    }
    throw error;
  }
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new SimclrError(
    `readWeightsFile: ${path} is ${bytes.length === 0 ? 'empty' : `neither a safetensors file nor a torch.save checkpoint (it starts with ${head})`}`,
    { code: 'corrupt' },
  );
}
