import { describeValue, optionsObject, SimclrError } from '@simclr/core';
import { isUint8Array } from './internal/bytes.js';
import { decodeElements } from './internal/little-endian.js';
import { unpickle } from './internal/unpickle.js';
import { looksLikeZip, readZipDirectory, readZipEntry } from './internal/zip.js';
import {
  allocateWeightData,
  elementCount,
  type StateDict,
  WEIGHT_DTYPE_SIZE,
  WEIGHT_DTYPES,
  type WeightData,
  type WeightDtype,
  type WeightTensor,
} from './state-dict.js';

const WHO = 'readTorchCheckpoint';

/** The storage classes that `torch.save` names, and the dtype of their elements. */
const STORAGE_CLASSES: Readonly<Record<string, WeightDtype>> = {
  'torch.FloatStorage': 'float32',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
  'torch.DoubleStorage': 'float64',
  'torch.LongStorage': 'int64',
  'torch.IntStorage': 'int32',
  'torch.ShortStorage': 'int16',
  'torch.CharStorage': 'int8',
  'torch.ByteStorage': 'uint8',
  'torch.BoolStorage': 'bool',
};

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const REBUILD_PARAMETER_WITH_STATE = 'torch._utils._rebuild_parameter_with_state';
const ORDERED_DICT = 'collections.OrderedDict';

/**
 * Every global that a checkpoint may name without `options.allowGlobals`: torch's tensor and parameter
 * rebuilders, `collections.OrderedDict`, the storage classes of the {@link WeightDtype}s and the dtypes
 * themselves (`torch.float32`, read as a {@link PickledObject}).
 */
export const TORCH_CHECKPOINT_GLOBALS: readonly string[] = [
  REBUILD_TENSOR,
  REBUILD_PARAMETER,
  REBUILD_PARAMETER_WITH_STATE,
  ORDERED_DICT,
  ...Object.keys(STORAGE_CLASSES),
  ...WEIGHT_DTYPES.map((d) => `torch.${d}`),
];

/**
 * A Python object whose class or function (`global`, e.g. `argparse.Namespace`) a checkpoint names and
 * `options.allowGlobals` (or, for the dtypes, {@link TORCH_CHECKPOINT_GLOBALS}) allows: what the pickle
 * gave it, kept as data. Nothing is ever called. `args` is null for a global that the pickle references
 * without calling (a `torch.float32` value, a class); `state` is what BUILD set, `items` and `entries`
 * what it appended or set, as for a list or dict subclass.
 */
export class PickledObject {
  state: unknown = undefined;
  readonly items: unknown[] = [];
  readonly entries = new Map<unknown, unknown>();
  constructor(
    readonly global: string,
    readonly args: readonly unknown[] | null,
  ) {}
}

/** Options of {@link readTorchCheckpoint}. */
export interface TorchCheckpointOptions {
  /**
   * Further globals (`'module.name'`, or `'module.*'` for all of a module's) that the checkpoint may name,
   * read as inert {@link PickledObject}s, e.g. `['argparse.Namespace']` for a checkpoint that saved its
   * command-line arguments. Default: none.
   */
  allowGlobals?: readonly string[];
}

/** A storage class named by the pickle. */
class StorageClass {
  constructor(
    readonly name: string,
    readonly dtype: WeightDtype,
  ) {}
}

/** A storage loaded from the archive: a persistent id resolved. */
class Storage {
  constructor(
    readonly key: string,
    readonly dtype: WeightDtype,
    readonly data: WeightData,
  ) {}
}

/** One of the allowed functions. */
class Builtin {
  constructor(readonly name: string) {}
}

function corrupt(message: string, cause?: unknown): SimclrError {
  return new SimclrError(`${WHO}: ${message}`, { code: 'corrupt', cause });
}

function isSizeList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

type Indexable = { [index: number]: number | bigint };

/** The elements of the view (offset, size, stride) of `source`, in row-major order. */
function gather(
  source: WeightData,
  dtype: WeightDtype,
  offset: number,
  size: number[],
  stride: number[],
): WeightData {
  const count = elementCount(size);
  const out = allocateWeightData(dtype, count);
  if (count === 0) return out;
  let contiguous = true;
  for (let d = size.length - 1, expected = 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) {
      contiguous = false;
      break;
    }
    expected *= size[d]!;
  }
  if (contiguous) {
    (out as Uint8Array).set(source.subarray(offset, offset + count) as Uint8Array);
    return out;
  }
  const src = source as Indexable;
  const dst = out as Indexable;
  const rank = size.length;
  const index = new Array<number>(rank).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    dst[i] = src[at]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += stride[d]!;
      if (index[d]! < size[d]!) break;
      at -= stride[d]! * size[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * The object that `torch.save` wrote into `bytes` (PyTorch 1.6 and later: a zip archive with
 * `<archive>/data.pkl`, one record `<archive>/data/<key>` per storage, `<archive>/version`, and from
 * some versions `<archive>/byteorder`; stored or deflated entries). Python values become plain data:
 *
 * - every tensor and `nn.Parameter`: a {@link WeightTensor} holding a copy of its elements in row-major
 *   order, whatever its strides and storage offset (a transposed or sliced view is read as saved);
 *   tensors that share a storage do not share memory here;
 * - dict and `OrderedDict`: a `Map`, whose keys keep their Python types (the int keys of an optimizer
 *   state stay numbers) and order; the attributes pickled with a `state_dict()` (its `_metadata`) are
 *   dropped;
 * - list and tuple: an `Array`; set: a `Set`; str: `string`; int: `number`, or `bigint` beyond 2^53;
 *   float: `number`; bool: `boolean`; None: `null`; bytes: `Uint8Array`.
 *
 * SAFETY: a pickle can run code when Python loads it. This reader runs nothing from it: it reads only
 * the globals in {@link TORCH_CHECKPOINT_GLOBALS} and calls only its own versions of them; any other
 * global (`os.system`, `builtins.eval`, a model class of a `torch.save(model)`) is refused unless listed
 * in `options.allowGlobals`, and then read as an inert {@link PickledObject}.
 *
 * @throws SimclrError with code `'corrupt'` for an empty file, a file in the pre-1.6 format (re-save it
 *   with a current `torch.save`), a TorchScript archive, a damaged archive or pickle, and a refused
 *   global, naming it; code `'invalid-argument'` when `bytes` is not a `Uint8Array`.
 */
export function readTorchCheckpoint(bytes: Uint8Array, options?: TorchCheckpointOptions): unknown {
  if (!isUint8Array(bytes)) {
    throw new SimclrError(`${WHO}: bytes must be a Uint8Array, got ${describeValue(bytes)}`);
  }
  const { allowGlobals = [] } = optionsObject(options, `${WHO}: options`);
  if (!Array.isArray(allowGlobals) || !allowGlobals.every((g) => typeof g === 'string')) {
    throw new SimclrError(
      `${WHO}: options.allowGlobals must be a list of 'module.name' strings, got ${describeValue(allowGlobals)}`,
    );
  }
  if (bytes.length === 0) throw corrupt('the file is empty');
  if (!looksLikeZip(bytes)) {
    if (bytes[0] === 0x80) {
      throw corrupt(
        'this is the legacy torch.save format of PyTorch before 1.6 (a pickle, not a zip archive), which is not read; ' +
          're-save it with a current PyTorch: torch.save(torch.load(path), path)',
      );
    }
    throw corrupt(
      `this is not a torch.save file: it does not start as a zip archive (its first bytes are ${hex(bytes)})`,
    );
  }
  const entries = readZipDirectory(bytes, WHO);
  let prefix: string | undefined;
  for (const name of entries.keys()) {
    const match = /^([^/]+\/)data\.pkl$/.exec(name);
    if (match) {
      prefix = match[1];
      break;
    }
  }
  if (prefix === undefined || entries.has(`${prefix}constants.pkl`)) {
    if ([...entries.keys()].some((n) => n.endsWith('constants.pkl') || n.includes('/code/'))) {
      throw corrupt(
        'this is a TorchScript archive (torch.jit.save), which holds code, not a state dict; load it in Python ' +
          'and save its weights with torch.save(model.state_dict(), path)',
      );
    }
    throw corrupt('the zip archive has no <archive>/data.pkl record, so it is not a torch.save file');
  }

  let littleEndian = true;
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(readZipEntry(bytes, byteorder, WHO)).trim();
    if (order !== 'little' && order !== 'big') {
      throw corrupt(`${prefix}byteorder says ${JSON.stringify(order)}, not 'little' or 'big'`);
    }
    littleEndian = order === 'little';
  }

  const allowed = new Set(allowGlobals.filter((g) => !g.endsWith('.*')));
  const allowedModules = allowGlobals.filter((g) => g.endsWith('.*')).map((g) => g.slice(0, -1));
  const storages = new Map<string, Storage>();
  const tensors = new WeakSet<object>();
  // A budget on the elements that views may copy out of storages, so that a small damaged or hostile
  // file cannot ask for more memory than a real checkpoint of its size would need.
  let budget = 16 * bytes.length + 2 ** 26;

  const pkl = `${prefix}data.pkl`;
  const rebuildTensor = (args: readonly unknown[]): WeightTensor => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof Storage))
      throw corrupt(`${REBUILD_TENSOR} got ${describeValue(storage)}, not a storage`);
    if (!Number.isSafeInteger(offset) || (offset as number) < 0 || !isSizeList(size) || !isSizeList(stride)) {
      throw corrupt(
        `${REBUILD_TENSOR} got storage offset ${describeValue(offset)}, size ${describeValue(size)} and stride ` +
          `${describeValue(stride)}; these must be integers >= 0 and lists of them`,
      );
    }
    if (size.length !== stride.length) {
      throw corrupt(`${REBUILD_TENSOR} got size [${size}] and stride [${stride}] of different lengths`);
    }
    const count = elementCount(size);
    if (count > 0) {
      let last = offset as number;
      for (let d = 0; d < size.length; d++) last += (size[d]! - 1) * stride[d]!;
      if (last >= storage.data.length) {
        throw corrupt(
          `a tensor of size [${size}], stride [${stride}] and offset ${offset} reads element ${last} of storage ` +
            `${storage.key}, which has ${storage.data.length} elements`,
        );
      }
    }
    budget -= count * WEIGHT_DTYPE_SIZE[storage.dtype];
    if (budget < 0)
      throw corrupt('its tensors copy far more elements out of their storages than the file holds');
    const tensor: WeightTensor = {
      dtype: storage.dtype,
      shape: [...size],
      data: gather(storage.data, storage.dtype, offset as number, size, stride),
    };
    tensors.add(tensor);
    return tensor;
  };

  return unpickle(
    readZipEntry(bytes, entries.get(pkl)!, WHO),
    {
      global(module, name) {
        const full = `${module}.${name}`;
        const dtype = STORAGE_CLASSES[full];
        if (dtype !== undefined) return new StorageClass(full, dtype);
        if (full === REBUILD_TENSOR || full === REBUILD_PARAMETER || full === REBUILD_PARAMETER_WITH_STATE) {
          return new Builtin(full);
        }
        if (full === ORDERED_DICT) return new Builtin(full);
        if (
          (module === 'torch' && (WEIGHT_DTYPES as readonly string[]).includes(name)) ||
          allowed.has(full) ||
          allowedModules.some((m) => full.startsWith(m))
        ) {
          return new PickledObject(full, null);
        }
        throw corrupt(
          `${pkl} references the Python global ${full}, which is not allowed: a pickle can run code through ` +
            `its globals, so this reader accepts only torch's tensor rebuilders, collections.OrderedDict, the ` +
            `storage classes and dtypes (see TORCH_CHECKPOINT_GLOBALS), and those listed in ` +
            `options.allowGlobals, which are read as inert data`,
        );
      },
      call(callable, args) {
        if (callable instanceof Builtin) {
          switch (callable.name) {
            case REBUILD_TENSOR:
              return rebuildTensor(args);
            case ORDERED_DICT: {
              const map = new Map<unknown, unknown>();
              const pairs = args[0] instanceof Map ? [...args[0]] : (args[0] ?? []);
              if (!Array.isArray(pairs)) throw corrupt(`${ORDERED_DICT} got ${describeValue(args[0])}`);
              for (const pair of pairs) {
                if (!Array.isArray(pair) || pair.length !== 2)
                  throw corrupt(`${ORDERED_DICT} got an item that is not a pair`);
                map.set(pair[0], pair[1]);
              }
              return map;
            }
            default: {
              // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the tensor itself.
              const data = args[0];
              if (typeof data !== 'object' || data === null || !tensors.has(data)) {
                throw corrupt(`${callable.name} got ${describeValue(data)}, not a tensor`);
              }
              return data;
            }
          }
        }
        if (callable instanceof PickledObject && callable.args === null) {
          return new PickledObject(callable.global, args);
        }
        throw corrupt(`${pkl} calls ${describeValue(callable)}, which cannot be called`);
      },
      build(obj, state) {
        if (obj instanceof PickledObject) {
          obj.state = state;
          return obj;
        }
        // The attributes of an OrderedDict (a state_dict's _metadata) and of a tensor are dropped.
        if (obj instanceof Map || (typeof obj === 'object' && obj !== null && tensors.has(obj))) return obj;
        throw corrupt(`${pkl} sets the state of ${describeValue(obj)}, which has none`);
      },
      append(obj, items) {
        if (!(obj instanceof PickledObject))
          throw corrupt(`${pkl} appends to ${describeValue(obj)}, not a list`);
        obj.items.push(...items);
      },
      setItems(obj, items) {
        if (!(obj instanceof PickledObject))
          throw corrupt(`${pkl} sets items of ${describeValue(obj)}, not a dict`);
        for (const [k, v] of items) obj.entries.set(k, v);
      },
      persistentLoad(pid) {
        if (!Array.isArray(pid) || pid.length < 5 || pid[0] !== 'storage') {
          throw corrupt(`${pkl} holds the persistent id ${describeValue(pid)}, not a ('storage', …) tuple`);
        }
        const [, type, key, , numel] = pid as unknown[];
        if (!(type instanceof StorageClass))
          throw corrupt(`${pkl} names storage type ${describeValue(type)}`);
        if (typeof key !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0) {
          throw corrupt(
            `${pkl} holds the storage key ${describeValue(key)} and size ${describeValue(numel)}`,
          );
        }
        const cached = storages.get(key);
        if (cached !== undefined) {
          if (cached.dtype !== type.dtype) {
            throw corrupt(`storage ${key} is read as ${cached.dtype} and as ${type.dtype}`);
          }
          return cached;
        }
        const record = `${prefix}data/${key}`;
        const entry = entries.get(record);
        if (entry === undefined)
          throw corrupt(`${pkl} refers to the storage ${record}, which the archive lacks`);
        const raw = readZipEntry(bytes, entry, WHO);
        const expected = (numel as number) * WEIGHT_DTYPE_SIZE[type.dtype];
        if (raw.length !== expected) {
          throw corrupt(
            `storage ${record} has ${raw.length} bytes, but ${numel} elements of ${type.name} need ${expected}`,
          );
        }
        const storage = new Storage(key, type.dtype, decodeElements(raw, type.dtype, littleEndian));
        storages.set(key, storage);
        return storage;
      },
    },
    `${WHO}: ${pkl}`,
  );
}

function hex(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Options of {@link stateDictFrom}. */
export interface StateDictFromOptions {
  /**
   * The key of the checkpoint that holds the state dict (e.g. `'ema_state_dict'`), or a list of keys to
   * follow into nested dicts. Default: the checkpoint itself when it is a dict of tensors, else the first
   * of {@link STATE_DICT_KEYS} that it has.
   */
  key?: string | readonly string[];
  /** Told of each entry of the state dict that is not a tensor (it is left out). Default: they are ignored. */
  onSkip?: (name: string, value: unknown) => void;
}

/** The keys under which checkpoints commonly keep their state dict, in the order they are tried. */
export const STATE_DICT_KEYS: readonly string[] = [
  'state_dict',
  'model_state_dict',
  'model',
  'module',
  'net',
];

function entriesOf(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value];
  if (isWeightTensor(value)) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
      return Object.entries(value);
    }
  }
  return undefined;
}

function isWeightTensor(value: unknown): value is WeightTensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<WeightTensor>;
  return (
    (WEIGHT_DTYPES as readonly unknown[]).includes(t.dtype) &&
    Array.isArray(t.shape) &&
    ArrayBuffer.isView(t.data)
  );
}

/** A dict whose values include tensors and no dicts. */
function looksLikeStateDict(entries: [unknown, unknown][]): boolean {
  return entries.some(([, v]) => isWeightTensor(v)) && !entries.some(([, v]) => entriesOf(v) !== undefined);
}

function keysOf(entries: [unknown, unknown][]): string {
  const keys = entries.map(([k]) => describeValue(k));
  return keys.length === 0 ? 'none' : keys.slice(0, 12).join(', ') + (keys.length > 12 ? ', …' : '');
}

/**
 * The state dict in a checkpoint read by {@link readTorchCheckpoint} (or any `Map` or plain object of
 * {@link WeightTensor}s): the checkpoint itself when it is a dict of tensors (`torch.save(model.state_dict())`),
 * else the dict under `options.key`, else under the first of {@link STATE_DICT_KEYS} that it has
 * (`{ state_dict, epoch, … }` as Lightning and solo-learn save, `{ model: … }`, …), followed into nested
 * dicts the same way. Entries whose value is not a tensor, or whose key is not a string, are left out and
 * passed to `options.onSkip`.
 *
 * @throws SimclrError (code `'invalid-argument'`) when no state dict is found, naming the keys it saw.
 */
export function stateDictFrom(checkpoint: unknown, options?: StateDictFromOptions): StateDict {
  const { key, onSkip } = optionsObject(options, 'stateDictFrom: options');
  if (onSkip !== undefined && typeof onSkip !== 'function') {
    throw new SimclrError(`stateDictFrom: options.onSkip must be a function, got ${describeValue(onSkip)}`);
  }
  let path: readonly string[] | undefined;
  if (key !== undefined) {
    path = typeof key === 'string' ? [key] : key;
    if (!Array.isArray(path) || path.length === 0 || !path.every((k) => typeof k === 'string')) {
      throw new SimclrError(
        `stateDictFrom: options.key must be a key or a list of keys, got ${describeValue(key)}`,
      );
    }
  }
  let value = checkpoint;
  let where = 'the checkpoint';
  let entries = entriesOf(value);
  if (entries === undefined) {
    throw new SimclrError(
      `stateDictFrom: the checkpoint must be a dict (a Map or an object), got ${describeValue(checkpoint)}`,
    );
  }
  if (path !== undefined) {
    for (const k of path) {
      const found = entries.find(([name]) => name === k);
      if (found === undefined) {
        throw new SimclrError(
          `stateDictFrom: ${where} has no key ${JSON.stringify(k)}; its keys are ${keysOf(entries)}`,
        );
      }
      value = found[1];
      where = `${where}[${JSON.stringify(k)}]`;
      entries = entriesOf(value);
      if (entries === undefined) {
        throw new SimclrError(`stateDictFrom: ${where} is ${describeValue(value)}, not a dict of tensors`);
      }
    }
  } else {
    for (let depth = 0; !looksLikeStateDict(entries!); depth++) {
      const found: [unknown, unknown] | undefined =
        depth < 4 ? entries!.find(([name]) => STATE_DICT_KEYS.includes(name as string)) : undefined;
      const next: [unknown, unknown][] | undefined = found === undefined ? undefined : entriesOf(found[1]);
      if (found === undefined || next === undefined) {
        throw new SimclrError(
          `stateDictFrom: found no state dict in ${where}: it is not a dict of tensors and has none of the keys ` +
            `${STATE_DICT_KEYS.join(', ')} (its keys are ${keysOf(entries!)}); pass options.key`,
        );
      }
      where = `${where}[${JSON.stringify(found[0])}]`;
      entries = next;
    }
  }
  const stateDict: StateDict = new Map();
  for (const [name, v] of entries!) {
    if (typeof name === 'string' && isWeightTensor(v)) stateDict.set(name, v);
    else onSkip?.(String(name), v);
  }
  return stateDict;
}
