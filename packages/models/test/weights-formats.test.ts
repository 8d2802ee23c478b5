import { SimclrError } from '@simclr/core';
import {
  PickledObject,
  readSafetensors,
  readTorchCheckpoint,
  type StateDict,
  stateDictFrom,
  TORCH_CHECKPOINT_GLOBALS,
  toFloat32,
  type WeightTensor,
  weightTensor,
  writeSafetensors,
} from '@simclr/models';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  describeTensor,
  type ExpectedTensor,
  expectedTensors,
  FIXTURES,
  fixtureBytes,
  withoutLayout,
} from './fixtures/weights/fixtures.js';

const encoder = new TextEncoder();

function describeAll(tensors: StateDict, safetensorsNames = false): Record<string, ExpectedTensor> {
  return Object.fromEntries([...tensors].map(([name, t]) => [name, describeTensor(t, safetensorsNames)]));
}

function expectedWithoutLayout(name: string): Record<string, ExpectedTensor> {
  return Object.fromEntries(Object.entries(expectedTensors(name)).map(([k, t]) => [k, withoutLayout(t)]));
}

/** A failure as a row of the fault tables check it: a SimclrError, its code and its message. */
function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (!SimclrError.is(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a SimclrError, but nothing was thrown');
}

/** The float32 value of float16 bits, by moving the exponent and fraction into float32 bits. */
function float16Reference(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  let exponent = (bits >> 10) & 0x1f;
  let fraction = bits & 0x3ff;
  let word: number;
  if (exponent === 0x1f) word = sign | 0x7f800000 | (fraction << 13);
  else if (exponent === 0 && fraction === 0) word = sign;
  else {
    if (exponent === 0) {
      // A subnormal: shift the fraction up until its leading 1 is implicit.
      exponent = 1;
      while ((fraction & 0x400) === 0) {
        fraction <<= 1;
        exponent--;
      }
      fraction &= 0x3ff;
    }
    word = sign | ((exponent - 15 + 127) << 23) | (fraction << 13);
  }
  return new Float32Array(new Uint32Array([word >>> 0]).buffer)[0]!;
}

describe('toFloat32', () => {
  it('decodes every float16 bit pattern exactly', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const got = toFloat32({ dtype: 'float16', shape: [65536], data: bits });
    for (let i = 0; i < 65536; i++) {
      const want = float16Reference(i);
      if (!Object.is(got[i], want) && !(Number.isNaN(got[i]) && Number.isNaN(want))) {
        expect.fail(`bits 0x${i.toString(16)}: got ${got[i]}, want ${want}`);
      }
    }
  });

  it('decodes the float16 and bfloat16 tensors of the fixture to the values PyTorch prints', () => {
    const tensors = stateDictFrom(readTorchCheckpoint(fixtureBytes('dtypes.pt')));
    for (const name of ['f16', 'bf16', 'f16_transposed']) {
      expect(describeTensor(tensors.get(name)!)).toEqual(withoutLayout(expectedTensors('dtypes.pt')[name]!));
    }
  });

  it('converts integers, bools and float64 by rounding to float32, always into a new array', () => {
    const int64: WeightTensor = {
      dtype: 'int64',
      shape: [3],
      data: new BigInt64Array([-3n, 2n ** 40n + 1n, 2n ** 63n - 1n]),
    };
    expect(Array.from(toFloat32(int64))).toEqual([-3, 2 ** 40, 2 ** 63]);
    const bool: WeightTensor = { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) };
    expect(Array.from(toFloat32(bool))).toEqual([1, 0]);
    const f64: WeightTensor = { dtype: 'float64', shape: [2], data: new Float64Array([1 / 3, 1e300]) };
    expect(Array.from(toFloat32(f64))).toEqual([Math.fround(1 / 3), Number.POSITIVE_INFINITY]);
    const f32: WeightTensor = { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) };
    const copy = toFloat32(f32);
    copy[0] = 9;
    expect(f32.data[0]).toBe(1);
  });
});

describe('weightTensor', () => {
  it('checks the data class and length against the dtype and shape', () => {
    expect(weightTensor('float16', [2], new Uint16Array(2)).shape).toEqual([2]);
    expect(failure(() => weightTensor('float16', [2], new Float32Array(2), 'w'))).toEqual({
      code: 'invalid-argument',
      message: "w: a float16 tensor's data must be a Uint16Array, got a Float32Array",
    });
    expect(failure(() => weightTensor('int8', [2, 3], new Int8Array(5), 'w')).message).toBe(
      'w: shape [2,3] has 6 elements, but data has 5',
    );
    expect(failure(() => weightTensor('int8', [-1], new Int8Array(0), 'w')).message).toBe(
      'w: shape must be a list of integers >= 0, got [-1]',
    );
  });
});

describe('readTorchCheckpoint', () => {
  it('reads every dtype, scalar, empty tensor and strided view of a torch.save state dict exactly', () => {
    const checkpoint = readTorchCheckpoint(fixtureBytes('dtypes.pt'));
    expect(checkpoint).toBeInstanceOf(Map);
    expect(describeAll(stateDictFrom(checkpoint))).toEqual(expectedWithoutLayout('dtypes.pt'));
    // The views were saved with their strides and storage offsets; the fixture holds them.
    const expected = expectedTensors('dtypes.pt');
    expect([expected.transposed!.stride, expected.slice!.stride, expected.slice!.offset]).toEqual([
      [1, 5],
      [5, 2],
      5,
    ]);
    expect(expected.expanded!.stride).toEqual([0, 1]);
  });

  it('gives tensors that share a storage their own memory', () => {
    const tensors = stateDictFrom(readTorchCheckpoint(fixtureBytes('dtypes.pt')));
    const base = tensors.get('base')!;
    const transposed = tensors.get('transposed')!;
    expect(base.data.buffer).not.toBe(transposed.data.buffer);
    (base.data as Float32Array)[1] = 100;
    expect((transposed.data as Float32Array)[4]).toBe(0.25);
  });

  it('reads deflated entries under another archive name, and storages written big-endian', () => {
    const want = expectedWithoutLayout('dtypes.pt');
    expect(describeAll(stateDictFrom(readTorchCheckpoint(fixtureBytes('deflated.pt'))))).toEqual(want);
    expect(describeAll(stateDictFrom(readTorchCheckpoint(fixtureBytes('big-endian.pt'))))).toEqual(want);
  });

  it('reads a Lightning-style checkpoint: the OrderedDict state dict, the epoch and other Python values', () => {
    const checkpoint = readTorchCheckpoint(fixtureBytes('checkpoint.pt')) as Map<string, unknown>;
    expect([...checkpoint.keys()]).toEqual(['state_dict', 'epoch', 'hyper_parameters']);
    expect(checkpoint.get('epoch')).toBe(3);
    const hyper = checkpoint.get('hyper_parameters') as Map<string, unknown>;
    expect(Object.fromEntries(hyper)).toEqual({
      lr: 0.1,
      betas: [0.9, 0.999],
      name: 'résnet-18',
      flag: true,
      none: null,
      big: 2n ** 70n,
      neg: -123456,
      nested: [1, [2, 3]],
    });
    expect(String(hyper.get('big'))).toBe(
      (FIXTURES.expected['checkpoint.pt']!.hyper_parameters as { big: string }).big,
    );
    const stateDict = checkpoint.get('state_dict');
    expect(stateDict).toBeInstanceOf(Map);
    expect(describeAll(stateDictFrom(checkpoint))).toEqual(expectedWithoutLayout('checkpoint.pt'));
    expect(stateDictFrom(checkpoint).get('bn.num_batches_tracked')).toEqual({
      dtype: 'int64',
      shape: [],
      data: new BigInt64Array([12n]),
    });
  });

  it('reads a bare state dict pickled with protocol 4', () => {
    const checkpoint = readTorchCheckpoint(fixtureBytes('bare-protocol4.pt'));
    expect(describeAll(stateDictFrom(checkpoint))).toEqual(expectedWithoutLayout('bare-protocol4.pt'));
  });

  it('reads nn.Parameter objects and an optimizer state with int keys', () => {
    const checkpoint = readTorchCheckpoint(fixtureBytes('model.pt')) as Map<string, Map<unknown, unknown>>;
    expect(describeAll(stateDictFrom(checkpoint))).toEqual(expectedWithoutLayout('model.pt'));
    const optimizer = checkpoint.get('optimizer')!;
    const state = optimizer.get('state') as Map<unknown, Map<string, WeightTensor>>;
    expect([...state.keys()]).toEqual([0]);
    expect(describeTensor(state.get(0)!.get('momentum_buffer')!)).toEqual(
      withoutLayout(FIXTURES.expected['model.pt']!.momentum_buffer as ExpectedTensor),
    );
    expect(
      (optimizer.get('param_groups') as Map<string, unknown>[]).map((g) => Object.fromEntries(g)),
    ).toEqual([{ lr: 0.5, params: [0, 1] }]);
  });

  it('reads globals listed in allowGlobals as inert data, calling nothing', () => {
    const os = readTorchCheckpoint(fixtureBytes('malicious-os-system.pt'), { allowGlobals: ['os.system'] });
    expect(os).toBeInstanceOf(PickledObject);
    expect(os).toMatchObject({ global: 'os.system', args: ['echo pwned'] });
    const global = FIXTURES.expected['malicious-hidden.pt']!.global as string;
    const hidden = readTorchCheckpoint(fixtureBytes('malicious-hidden.pt'), {
      allowGlobals: [`${global.split('.')[0]}.*`],
    }) as Map<string, unknown>;
    expect(hidden.get('payload')).toMatchObject({ global, args: ['echo pwned'] });
    expect(stateDictFrom(hidden).get('weight')!.shape).toEqual([2]);
  });

  it('allows exactly the tensor rebuilders, OrderedDict, the storage classes and the dtypes', () => {
    expect([...TORCH_CHECKPOINT_GLOBALS].sort()).toEqual(
      [
        'collections.OrderedDict',
        'torch._utils._rebuild_parameter',
        'torch._utils._rebuild_parameter_with_state',
        'torch._utils._rebuild_tensor_v2',
        ...['Float', 'Half', 'BFloat16', 'Double', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'].map(
          (s) => `torch.${s}Storage`,
        ),
        ...[
          'float32',
          'float16',
          'bfloat16',
          'float64',
          'int64',
          'int32',
          'int16',
          'int8',
          'uint8',
          'bool',
        ].map((d) => `torch.${d}`),
      ].sort(),
    );
  });
});

describe('stateDictFrom', () => {
  const w: WeightTensor = { dtype: 'float32', shape: [1], data: new Float32Array([1]) };
  const b: WeightTensor = { dtype: 'float32', shape: [1], data: new Float32Array([2]) };
  const sd = new Map<unknown, unknown>([
    ['w', w],
    ['b', b],
  ]);

  it.each([
    ['a bare state dict', sd],
    ['a plain object of tensors', { w, b }],
    [
      '{ state_dict, epoch } (Lightning, solo-learn)',
      new Map<unknown, unknown>([
        ['state_dict', sd],
        ['epoch', 3],
      ]),
    ],
    ['{ model }', { model: sd, optimizer: { state: {} } }],
    ['{ model_state_dict }', { model_state_dict: sd, epoch: 1 }],
    ['{ model: { state_dict } }', { model: { state_dict: sd, name: 'x' } }],
  ])('finds the tensors in %s', (_, checkpoint) => {
    expect(stateDictFrom(checkpoint)).toEqual(
      new Map([
        ['w', w],
        ['b', b],
      ]),
    );
  });

  it('follows options.key, and reports entries that are not tensors', () => {
    const skipped: [string, unknown][] = [];
    const checkpoint = {
      ema: new Map<unknown, unknown>([
        ['w', w],
        ['note', 'x'],
        [3, b],
      ]),
      state_dict: sd,
    };
    const got = stateDictFrom(checkpoint, {
      key: 'ema',
      onSkip: (name, value) => skipped.push([name, value]),
    });
    expect([...got.keys()]).toEqual(['w']);
    expect(skipped).toEqual([
      ['note', 'x'],
      ['3', b],
    ]);
    expect([...stateDictFrom({ a: { b: sd } }, { key: ['a', 'b'] }).keys()]).toEqual(['w', 'b']);
  });

  it.each([
    [
      'no state dict',
      () =>
        stateDictFrom(
          new Map<string, unknown>([
            ['epoch', 3],
            ['optimizer', new Map()],
          ]),
        ),
      'stateDictFrom: found no state dict in the checkpoint: it is not a dict of tensors and has none of the keys state_dict, model_state_dict, model, module, net (its keys are "epoch", "optimizer"); pass options.key',
    ],
    [
      'a missing key',
      () => stateDictFrom({ state_dict: sd }, { key: 'ema' }),
      'stateDictFrom: the checkpoint has no key "ema"; its keys are "state_dict"',
    ],
    [
      'not a dict',
      () => stateDictFrom([w]),
      'stateDictFrom: the checkpoint must be a dict (a Map or an object), got [a float32 tensor of shape [1]]',
    ],
  ])('refuses %s', (_, fn, message) => {
    expect(failure(fn)).toEqual({ code: 'invalid-argument', message });
  });
});

describe('readSafetensors', () => {
  it('reads every dtype of a file written from the specification, at unaligned offsets', () => {
    const { tensors, metadata } = readSafetensors(fixtureBytes('weights.safetensors'));
    const expected = FIXTURES.expected['weights.safetensors'] as unknown as {
      metadata: Record<string, string>;
      order: string[];
      tensors: Record<string, ExpectedTensor>;
    };
    expect(metadata).toEqual(expected.metadata);
    expect([...tensors.keys()]).toEqual(expected.order);
    expect(describeAll(tensors, true)).toEqual(expected.tensors);
    for (const t of tensors.values()) {
      expect(t.data.byteOffset % (t.data as Float32Array).BYTES_PER_ELEMENT).toBe(0);
    }
  });

  it('reads bytes that start at an odd offset of their buffer', () => {
    const bytes = fixtureBytes('weights.safetensors');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const a = readSafetensors(bytes);
    const b = readSafetensors(padded.subarray(3));
    expect(describeAll(b.tensors)).toEqual(describeAll(a.tensors));
  });
});

/** Every dtype, with the special values of each, in one state dict. */
function everyDtype(): StateDict {
  return new Map<string, WeightTensor>([
    [
      'conv.weight',
      { dtype: 'float32', shape: [2, 1, 1, 2], data: new Float32Array([0.5, -0, Number.NaN, -3.4e38]) },
    ],
    ['half', { dtype: 'float16', shape: [3], data: new Uint16Array([0x3c00, 0x8001, 0x7c00]) }],
    ['brain', { dtype: 'bfloat16', shape: [2], data: new Uint16Array([0x3f80, 0xff80]) }],
    ['double', { dtype: 'float64', shape: [2], data: new Float64Array([1 / 3, -5e-324]) }],
    ['long', { dtype: 'int64', shape: [3], data: new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n), 5n]) }],
    ['int', { dtype: 'int32', shape: [1], data: new Int32Array([-(2 ** 31)]) }],
    ['short', { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) }],
    ['byte', { dtype: 'int8', shape: [3], data: new Int8Array([-128, 127, 0]) }],
    ['ubyte', { dtype: 'uint8', shape: [1], data: new Uint8Array([255]) }],
    ['mask', { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) }],
    ['scalar', { dtype: 'float32', shape: [], data: new Float32Array([42]) }],
    ['empty', { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) }],
    ['10', { dtype: 'int8', shape: [1], data: new Int8Array([10]) }],
    ['2', { dtype: 'int8', shape: [1], data: new Int8Array([2]) }],
  ]);
}

describe('writeSafetensors', () => {
  it('writes every dtype so that readSafetensors gives the same tensors, names and metadata back', () => {
    const tensors = everyDtype();
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'é' });
    const read = readSafetensors(bytes);
    expect(read.metadata).toEqual({ format: 'pt', note: 'é' });
    expect([...read.tensors.keys()]).toEqual([...tensors.keys()]);
    expect(describeAll(read.tensors)).toEqual(describeAll(tensors));
  });

  it('pads the header with spaces to 8 bytes and lays the tensors out in order without gaps', () => {
    const bytes = writeSafetensors(everyDtype());
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(text.trimEnd()).toBe(text.replace(/ +$/, ''));
    const header = JSON.parse(text) as Record<string, { data_offsets: [number, number] }>;
    expect(header.__metadata__).toBeUndefined();
    const offsets = [...everyDtype().keys()].map((name) => header[name]!.data_offsets);
    for (let i = 0; i < offsets.length; i++) expect(offsets[i]![0]).toBe(i === 0 ? 0 : offsets[i - 1]![1]);
    expect(offsets.at(-1)![1]).toBe(bytes.length - 8 - headerLength);
  });

  it.each([
    [
      'data of the wrong class',
      () =>
        writeSafetensors(
          new Map([['w', { dtype: 'float16', shape: [1], data: new Float32Array(1) } as WeightTensor]]),
        ),
      `writeSafetensors: tensor "w": a float16 tensor's data must be a Uint16Array, got a Float32Array`,
    ],
    [
      'a shape that does not match the data',
      () => writeSafetensors(new Map([['w', { dtype: 'float32', shape: [3], data: new Float32Array(2) }]])),
      'writeSafetensors: tensor "w": shape [3] has 3 elements, but data has 2',
    ],
    [
      'a tensor named __metadata__',
      () =>
        writeSafetensors(new Map([['__metadata__', { dtype: 'int8', shape: [], data: new Int8Array(1) }]])),
      'writeSafetensors: tensor names must be strings other than "__metadata__", got "__metadata__"',
    ],
    [
      'metadata that is not a string',
      () => writeSafetensors(new Map(), { epoch: 3 } as unknown as Record<string, string>),
      'writeSafetensors: metadata["epoch"] must be a string, got 3',
    ],
    [
      'tensors that are not a Map',
      () => writeSafetensors({} as StateDict),
      'writeSafetensors: tensors must be a Map of names to tensors, got an object',
    ],
  ])('refuses %s', (_, fn, message) => {
    expect(failure(fn)).toEqual({ code: 'invalid-argument', message });
  });
});

/** A safetensors file of `header` (an object, or raw text) and `data`, built by hand. */
function safetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  declaredLength?: number,
): Uint8Array {
  const json =
    header instanceof Uint8Array
      ? header
      : encoder.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (shape: number[], begin: number, end: number) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

describe('the readers refuse arguments that are not bytes', () => {
  it.each<[string, () => unknown, string]>([
    [
      'readSafetensors',
      () => readSafetensors([1, 2] as unknown as Uint8Array),
      'readSafetensors: bytes must be a Uint8Array, got [1,2]',
    ],
    [
      'readTorchCheckpoint',
      () => readTorchCheckpoint(new Float32Array(4) as unknown as Uint8Array),
      'readTorchCheckpoint: bytes must be a Uint8Array, got a Float32Array',
    ],
    [
      'readTorchCheckpoint with allowGlobals not a list',
      () => readTorchCheckpoint(new Uint8Array(4), { allowGlobals: 'os.system' as unknown as string[] }),
      `readTorchCheckpoint: options.allowGlobals must be a list of 'module.name' strings, got "os.system"`,
    ],
  ])('%s', (_, fn, message) => {
    expect(failure(fn)).toEqual({ code: 'invalid-argument', message });
  });
});

describe('readSafetensors refuses damaged files', () => {
  const good = fixtureBytes('weights.safetensors');
  it.each<[string, () => Uint8Array, string]>([
    ['an empty file', () => new Uint8Array(0), 'readSafetensors: the file is empty'],
    [
      'a file shorter than the header length',
      () => new Uint8Array(5),
      'readSafetensors: the file has 5 bytes, fewer than the 8 of the header length',
    ],
    [
      'a header length beyond the file',
      () => safetensors({}, new Uint8Array(0), 1000),
      'readSafetensors: the header length is 1000 bytes, beyond the 2 bytes after it (the file is cut short or not a safetensors file)',
    ],
    [
      'a truncated file',
      () => good.subarray(0, good.length - 2),
      'readSafetensors: tensor "scalar" ends at byte 77 of the data, which has only 75 bytes (the file is cut short)',
    ],
    [
      'a header that is not JSON',
      () => safetensors('{"w": '),
      'readSafetensors: the header is not UTF-8 JSON: ',
    ],
    [
      'a header that is not UTF-8',
      () => safetensors(Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d)),
      'readSafetensors: the header is not UTF-8 JSON: ',
    ],
    [
      'a header that is a list',
      () => safetensors('[1]'),
      'readSafetensors: the header is [1], not a JSON object',
    ],
    [
      'an unknown dtype',
      () => safetensors({ w: { dtype: 'Q8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      'readSafetensors: tensor "w" has dtype "Q8", which is not a safetensors dtype (read: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)',
    ],
    [
      'a dtype that is not read',
      () => safetensors({ w: { dtype: 'U16', shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)),
      'readSafetensors: tensor "w" has dtype "U16", which is not read (read: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)',
    ],
    [
      'a header that lies about a size',
      () => safetensors({ w: f32([2, 2], 0, 12) }, new Uint8Array(12)),
      'readSafetensors: tensor "w" has data_offsets [0, 12] (12 bytes), but dtype F32 and shape [2,2] need 16 bytes',
    ],
    [
      'overlapping offsets',
      () => safetensors({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Uint8Array(12)),
      'readSafetensors: tensor "b" (data_offsets [4, 12]) overlaps tensor "a", which ends at 8',
    ],
    [
      'a gap between tensors',
      () => safetensors({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, new Uint8Array(12)),
      'readSafetensors: tensor "b" starts at byte 8 of the data, leaving bytes 4..8 unused',
    ],
    [
      'bytes after the last tensor',
      () => safetensors({ a: f32([1], 0, 4) }, new Uint8Array(6)),
      'readSafetensors: the tensors cover 4 bytes of data, but the file holds 6 after the header',
    ],
    [
      'offsets out of range',
      () => safetensors({ a: f32([1], 100, 104) }, new Uint8Array(4)),
      'readSafetensors: tensor "a" ends at byte 104 of the data, which has only 4 bytes (the file is cut short)',
    ],
    [
      'offsets in the wrong order',
      () => safetensors({ a: f32([0], 4, 0) }, new Uint8Array(4)),
      'readSafetensors: tensor "a" has data_offsets [4,0]; they must be [begin, end] with 0 <= begin <= end',
    ],
    [
      'a negative shape',
      () => safetensors({ a: f32([-1], 0, 4) }, new Uint8Array(4)),
      'readSafetensors: tensor "a" has shape [-1]; it must be a list of integers >= 0',
    ],
    [
      'a shape that is not an integer',
      () => safetensors({ a: f32([1.5], 0, 4) }, new Uint8Array(4)),
      'readSafetensors: tensor "a" has shape [1.5]; it must be a list of integers >= 0',
    ],
    [
      'metadata that is not a string',
      () => safetensors({ __metadata__: { epoch: 3 } }),
      'readSafetensors: __metadata__["epoch"] is 3, not a string',
    ],
  ])('%s', (_, bytes, message) => {
    const { code, message: got } = failure(() => readSafetensors(bytes()));
    expect(code).toBe('corrupt');
    if (message.endsWith(': ')) expect(got.startsWith(message)).toBe(true);
    else expect(got).toBe(message);
  });
});

/** A torch.save-style archive (stored entries) of a hand-written data.pkl and storages. */
function torchZip(pickle: Uint8Array | string, storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    'archive/data.pkl': [typeof pickle === 'string' ? latin1(pickle) : pickle, { level: 0 }],
    'archive/version': [encoder.encode('3\n'), { level: 0 }],
  };
  for (const [key, data] of Object.entries(storages)) files[`archive/data/${key}`] = [data, { level: 0 }];
  return zipSync(files);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A protocol-2 pickle of `_rebuild_tensor_v2` on a float storage '0' of `numel` elements. */
function viewPickle(numel: number, offset: number, size: number, stride: number): string {
  const int = (n: number) => `K${String.fromCharCode(n)}`;
  return (
    '\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n' +
    `X\x01\x00\x00\x000X\x03\x00\x00\x00cpu${int(numel)}tQ${int(offset)}${int(size)}\x85${int(stride)}\x85\x89)tR.`
  );
}

/** `bytes` with the first data byte of the stored zip entry `name` flipped. */
function damaged(bytes: Uint8Array, name: string): Uint8Array {
  const copy = bytes.slice();
  const nameBytes = encoder.encode(name);
  let header = -1;
  for (let i = 30; header < 0 && i < copy.length; i++) {
    if (nameBytes.every((b, k) => copy[i + k] === b)) header = i - 30;
  }
  const view = new DataView(copy.buffer);
  if (header < 0 || view.getUint32(header, true) !== 0x04034b50)
    throw new Error(`no local header for ${name}`);
  copy[header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true)]! ^= 0xff;
  return copy;
}

describe('readTorchCheckpoint refuses damaged, legacy and unsafe files', () => {
  const dtypes = fixtureBytes('dtypes.pt');
  const allowed =
    "a pickle can run code through its globals, so this reader accepts only torch's tensor rebuilders, " +
    'collections.OrderedDict, the storage classes and dtypes (see TORCH_CHECKPOINT_GLOBALS), and those listed in ' +
    'options.allowGlobals, which are read as inert data';
  it.each<[string, () => Uint8Array, string]>([
    ['an empty file', () => new Uint8Array(0), 'readTorchCheckpoint: the file is empty'],
    [
      'a legacy (pre-1.6) file',
      () => fixtureBytes('legacy.pt'),
      'readTorchCheckpoint: this is the legacy torch.save format of PyTorch before 1.6 (a pickle, not a zip archive), which is not read; re-save it with a current PyTorch: torch.save(torch.load(path), path)',
    ],
    [
      'a file that is not a zip archive',
      () => encoder.encode('hello world'),
      'readTorchCheckpoint: this is not a torch.save file: it does not start as a zip archive (its first bytes are 68 65 6c 6c 6f 20 77 6f)',
    ],
    [
      'os.system, the global of the classic pickle exploit',
      () => fixtureBytes('malicious-os-system.pt'),
      `readTorchCheckpoint: archive/data.pkl references the Python global os.system, which is not allowed: ${allowed}`,
    ],
    [
      'builtins.eval through STACK_GLOBAL',
      () => fixtureBytes('malicious-eval.pt'),
      `readTorchCheckpoint: archive/data.pkl references the Python global builtins.eval, which is not allowed: ${allowed}`,
    ],
    [
      '__builtin__.getattr inside a dict',
      () => fixtureBytes('malicious-getattr.pt'),
      `readTorchCheckpoint: archive/data.pkl references the Python global __builtin__.getattr, which is not allowed: ${allowed}`,
    ],
    [
      'a payload after a tensor in a real torch.save',
      () => fixtureBytes('malicious-hidden.pt'),
      `readTorchCheckpoint: archive/data.pkl references the Python global ${FIXTURES.expected['malicious-hidden.pt']!.global}, which is not allowed: ${allowed}`,
    ],
    [
      'a TorchScript archive',
      () => fixtureBytes('torchscript.pt'),
      'readTorchCheckpoint: this is a TorchScript archive (torch.jit.save), which holds code, not a state dict; load it in Python and save its weights with torch.save(model.state_dict(), path)',
    ],
    [
      'a file cut in half',
      () => dtypes.subarray(0, dtypes.length >> 1),
      'readTorchCheckpoint: the zip archive has no end-of-central-directory record (the file is cut short or not a zip archive)',
    ],
    [
      'a damaged storage',
      () => damaged(dtypes, 'archive/data/0'),
      'readTorchCheckpoint: the zip archive entry archive/data/0 fails its CRC-32 check',
    ],
    [
      'a zip archive without data.pkl',
      () => zipSync({ 'archive/version': encoder.encode('3\n') }),
      'readTorchCheckpoint: the zip archive has no <archive>/data.pkl record, so it is not a torch.save file',
    ],
    [
      'a pickle cut short',
      () => torchZip(viewPickle(2, 0, 2, 1).slice(0, 30)),
      'readTorchCheckpoint: archive/data.pkl: the pickle is cut short: ',
    ],
    [
      'an unknown opcode',
      () => torchZip('\x80\x02\xff.'),
      'readTorchCheckpoint: archive/data.pkl: opcode 0xff at byte 2 is not one that this reader accepts',
    ],
    [
      'a missing storage',
      () => torchZip(viewPickle(2, 0, 2, 1)),
      'readTorchCheckpoint: archive/data.pkl refers to the storage archive/data/0, which the archive lacks',
    ],
    [
      'a storage of the wrong size',
      () => torchZip(viewPickle(2, 0, 2, 1), { '0': new Uint8Array(4) }),
      'readTorchCheckpoint: storage archive/data/0 has 4 bytes, but 2 elements of torch.FloatStorage need 8',
    ],
    [
      'a view beyond its storage',
      () => torchZip(viewPickle(2, 1, 2, 1), { '0': new Uint8Array(8) }),
      'readTorchCheckpoint: a tensor of size [2], stride [1] and offset 1 reads element 2 of storage 0, which has 2 elements',
    ],
  ])('%s', (_, bytes, message) => {
    const { code, message: got } = failure(() => readTorchCheckpoint(bytes()));
    expect(code).toBe('corrupt');
    if (message.endsWith(': ')) expect(got.startsWith(message)).toBe(true);
    else expect(got).toBe(message);
  });

  it('reads the hand-written view pickle when it is in bounds', () => {
    const storage = new Uint8Array(new Float32Array([1.5, -2, 4]).buffer);
    const t = readTorchCheckpoint(torchZip(viewPickle(3, 1, 2, 1), { '0': storage }));
    expect(t).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array([-2, 4]) });
  });
});
