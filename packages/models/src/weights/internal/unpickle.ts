import { SimclrError } from '@simclr/core';

/**
 * A restricted reader of Python pickles (protocols 0 to 5, the binary opcodes and the few text ones a
 * `torch.save` pickle can hold). It runs nothing from the pickle: every global the pickle names goes
 * through `hooks.global`, which refuses what it does not allow, and every call (REDUCE, NEWOBJ, INST,
 * OBJ) and state update (BUILD) goes through `hooks.call` and `hooks.build`, so the caller decides what
 * each allowed global does.
 *
 * Python values become: None `null`, bool `boolean`, int `number` (a `bigint` beyond 2^53), float
 * `number`, str `string`, bytes and bytearray `Uint8Array`, list and tuple `Array`, dict `Map` (any key
 * type, in insertion order), set and frozenset `Set`.
 */
export interface UnpickleHooks {
  /** The value of the global `module.name`; throws to refuse it. */
  global(module: string, name: string): unknown;
  /** `callable(...args)` for a callable from `global` (REDUCE, NEWOBJ, INST, OBJ). */
  call(callable: unknown, args: unknown[]): unknown;
  /** BUILD: `obj` after setting `state`. */
  build(obj: unknown, state: unknown): unknown;
  /** The object of a persistent id (BINPERSID, PERSID). */
  persistentLoad(pid: unknown): unknown;
  /** Items appended (APPEND, APPENDS) to an object that is not a list. */
  append(obj: unknown, items: unknown[]): void;
  /** Items set (SETITEM, SETITEMS) on an object that is not a dict. */
  setItems(obj: unknown, items: [unknown, unknown][]): void;
}

/** Opcode names for error messages. */
const NAMES: Record<number, string> = {
  40: 'MARK',
  46: 'STOP',
  48: 'POP',
  49: 'POP_MARK',
  50: 'DUP',
  66: 'BINBYTES',
  67: 'SHORT_BINBYTES',
  71: 'BINFLOAT',
  74: 'BININT',
  75: 'BININT1',
  77: 'BININT2',
  78: 'NONE',
  80: 'PERSID',
  81: 'BINPERSID',
  82: 'REDUCE',
  84: 'BINSTRING',
  85: 'SHORT_BINSTRING',
  88: 'BINUNICODE',
  93: 'EMPTY_LIST',
  97: 'APPEND',
  98: 'BUILD',
  99: 'GLOBAL',
  100: 'DICT',
  101: 'APPENDS',
  103: 'GET',
  104: 'BINGET',
  105: 'INST',
  106: 'LONG_BINGET',
  108: 'LIST',
  111: 'OBJ',
  112: 'PUT',
  113: 'BINPUT',
  114: 'LONG_BINPUT',
  115: 'SETITEM',
  116: 'TUPLE',
  117: 'SETITEMS',
  125: 'EMPTY_DICT',
  41: 'EMPTY_TUPLE',
  128: 'PROTO',
  129: 'NEWOBJ',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  133: 'TUPLE1',
  134: 'TUPLE2',
  135: 'TUPLE3',
  136: 'NEWTRUE',
  137: 'NEWFALSE',
  138: 'LONG1',
  139: 'LONG4',
  140: 'SHORT_BINUNICODE',
  141: 'BINUNICODE8',
  142: 'BINBYTES8',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  146: 'NEWOBJ_EX',
  147: 'STACK_GLOBAL',
  148: 'MEMOIZE',
  149: 'FRAME',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

function opcodeName(op: number): string {
  return NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

/** A little-endian two's-complement integer of `bytes` (LONG1, LONG4), as a number when it is safe. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/**
 * The object that the pickle in `bytes` describes. `what` names the data in messages, e.g.
 * `readTorchCheckpoint: archive/data.pkl`.
 *
 * @throws SimclrError (code `'corrupt'`) on a malformed or cut-short pickle, an unknown or refused opcode,
 *   and whatever the hooks throw.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, what: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  const latin1 = new TextDecoder('latin1');
  let pos = 0;
  let op = 0;
  let opAt = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const fail = (message: string): never => {
    throw new SimclrError(`${what}: ${message}`, { code: 'corrupt' });
  };
  const need = (n: number): void => {
    if (n > bytes.length - pos) {
      fail(
        `the pickle is cut short: ${opcodeName(op)} at byte ${opAt} needs ${n} more bytes, ${bytes.length - pos} are left`,
      );
    }
  };
  const take = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const i32 = (): number => {
    need(4);
    pos += 4;
    return view.getInt32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const value = view.getUint32(pos - 8, true) + view.getUint32(pos - 4, true) * 2 ** 32;
    if (value > bytes.length)
      fail(`${opcodeName(op)} at byte ${opAt} declares ${value} bytes, more than the pickle holds`);
    return value;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`the pickle is cut short: ${opcodeName(op)} at byte ${opAt} has no end of line`);
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail(`${opcodeName(op)} at byte ${opAt} finds the stack empty`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail(`${opcodeName(op)} at byte ${opAt} finds the stack empty`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = metastack.pop();
    if (previous === undefined) fail(`${opcodeName(op)} at byte ${opAt} has no MARK before it`);
    stack = previous!;
    return items;
  };
  const push = (value: unknown): void => {
    stack.push(value);
  };
  const put = (index: number): void => {
    memo.set(index, top());
  };
  const get = (index: number): void => {
    if (!memo.has(index))
      fail(`${opcodeName(op)} at byte ${opAt} reads memo entry ${index}, which was never stored`);
    push(memo.get(index));
  };
  const appendTo = (target: unknown, items: unknown[]): void => {
    if (Array.isArray(target)) for (const item of items) target.push(item);
    else hooks.append(target, items);
  };
  const setItemsOn = (target: unknown, flat: unknown[]): void => {
    if (flat.length % 2 !== 0) fail(`${opcodeName(op)} at byte ${opAt} has an odd number of keys and values`);
    if (target instanceof Map) {
      for (let i = 0; i < flat.length; i += 2) target.set(flat[i], flat[i + 1]);
    } else {
      const pairs: [unknown, unknown][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
      hooks.setItems(target, pairs);
    }
  };
  const dictOf = (flat: unknown[]): Map<unknown, unknown> => {
    const dict = new Map<unknown, unknown>();
    setItemsOn(dict, flat);
    return dict;
  };
  const decimal = (text: string): number => {
    if (!/^-?\d+$/.test(text))
      fail(`${opcodeName(op)} at byte ${opAt} holds ${JSON.stringify(text)}, not an integer`);
    return Number(text);
  };

  while (true) {
    opAt = pos;
    if (pos >= bytes.length) fail(`the pickle is cut short: it ends at byte ${pos} without a STOP`);
    op = bytes[pos++]!;
    switch (op) {
      case 0x80: {
        const protocol = u8();
        if (protocol > 5) fail(`pickle protocol ${protocol} is newer than 5, the newest known`);
        break;
      }
      case 0x95: // FRAME: a length prefix that readers may ignore.
        u64();
        break;
      case 0x2e:
        return pop();
      case 0x28:
        metastack.push(stack);
        stack = [];
        break;
      case 0x30:
        if (stack.length === 0) popMark();
        else pop();
        break;
      case 0x31:
        popMark();
        break;
      case 0x32:
        push(top());
        break;
      case 0x4e:
        push(null);
        break;
      case 0x88:
        push(true);
        break;
      case 0x89:
        push(false);
        break;
      case 0x4a:
        push(i32());
        break;
      case 0x4b:
        push(u8());
        break;
      case 0x4d:
        push(u16());
        break;
      case 0x8a:
        push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        const n = i32();
        if (n < 0) fail(`LONG4 at byte ${opAt} has a negative length`);
        push(decodeLong(take(n)));
        break;
      }
      case 0x47:
        need(8);
        pos += 8;
        push(view.getFloat64(pos - 8, false));
        break;
      case 0x58:
        push(utf8.decode(take(u32())));
        break;
      case 0x8c:
        push(utf8.decode(take(u8())));
        break;
      case 0x8d:
        push(utf8.decode(take(u64())));
        break;
      case 0x54: {
        const n = i32();
        if (n < 0) fail(`BINSTRING at byte ${opAt} has a negative length`);
        push(latin1.decode(take(n)));
        break;
      }
      case 0x55:
        push(latin1.decode(take(u8())));
        break;
      case 0x42:
        push(take(u32()).slice());
        break;
      case 0x43:
        push(take(u8()).slice());
        break;
      case 0x8e:
      case 0x96:
        push(take(u64()).slice());
        break;
      case 0x7d:
        push(new Map());
        break;
      case 0x64:
        push(dictOf(popMark()));
        break;
      case 0x73: {
        const value = pop();
        const key = pop();
        setItemsOn(top(), [key, value]);
        break;
      }
      case 0x75: {
        const items = popMark();
        setItemsOn(top(), items);
        break;
      }
      case 0x5d:
        push([]);
        break;
      case 0x6c:
      case 0x74:
        push(popMark());
        break;
      case 0x61: {
        const item = pop();
        appendTo(top(), [item]);
        break;
      }
      case 0x65: {
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case 0x29:
        push([]);
        break;
      case 0x85:
        push([pop()]);
        break;
      case 0x86: {
        const b = pop();
        push([pop(), b]);
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        push([pop(), b, c]);
        break;
      }
      case 0x8f:
        push(new Set());
        break;
      case 0x90: {
        const items = popMark();
        const target = top();
        if (!(target instanceof Set)) fail(`ADDITEMS at byte ${opAt} adds to something that is not a set`);
        for (const item of items) (target as Set<unknown>).add(item);
        break;
      }
      case 0x91:
        push(new Set(popMark()));
        break;
      case 0x70:
        put(decimal(line()));
        break;
      case 0x71:
        put(u8());
        break;
      case 0x72:
        put(u32());
        break;
      case 0x94:
        put(memo.size);
        break;
      case 0x67:
        get(decimal(line()));
        break;
      case 0x68:
        get(u8());
        break;
      case 0x6a:
        get(u32());
        break;
      case 0x63: {
        const module = line();
        const name = line();
        push(hooks.global(module, name));
        break;
      }
      case 0x93: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          fail(`STACK_GLOBAL at byte ${opAt} needs a module and a name as strings`);
        }
        push(hooks.global(module as string, name as string));
        break;
      }
      case 0x69: {
        const module = line();
        const name = line();
        const callable = hooks.global(module, name);
        push(hooks.call(callable, popMark()));
        break;
      }
      case 0x6f: {
        const items = popMark();
        if (items.length === 0) fail(`OBJ at byte ${opAt} has no class`);
        push(hooks.call(items[0], items.slice(1)));
        break;
      }
      case 0x52: {
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) fail(`REDUCE at byte ${opAt} needs a tuple of arguments`);
        push(hooks.call(callable, args as unknown[]));
        break;
      }
      case 0x81: {
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`NEWOBJ at byte ${opAt} needs a tuple of arguments`);
        push(hooks.call(cls, args as unknown[]));
        break;
      }
      case 0x92: {
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args) || !(kwargs instanceof Map)) {
          fail(`NEWOBJ_EX at byte ${opAt} needs a tuple of arguments and a dict of keyword arguments`);
        }
        if ((kwargs as Map<unknown, unknown>).size > 0)
          fail(`NEWOBJ_EX at byte ${opAt} passes keyword arguments, which are not read`);
        push(hooks.call(cls, args as unknown[]));
        break;
      }
      case 0x62: {
        const state = pop();
        const obj = pop();
        push(hooks.build(obj, state));
        break;
      }
      case 0x51:
        push(hooks.persistentLoad(pop()));
        break;
      case 0x50:
        push(hooks.persistentLoad(line()));
        break;
      case 0x82:
      case 0x83:
      case 0x84:
        fail(
          `${opcodeName(op)} at byte ${opAt} names a global through the copyreg extension registry, which is refused`,
        );
        break;
      case 0x97:
      case 0x98:
        fail(`${opcodeName(op)} at byte ${opAt} refers to an out-of-band buffer, which a file cannot hold`);
        break;
      default:
        fail(`opcode ${opcodeName(op)} at byte ${opAt} is not one that this reader accepts`);
    }
  }
}
