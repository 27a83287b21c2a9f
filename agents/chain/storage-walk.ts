// Every storage slot a contract's layout can reach with the keys a run has shown: value variables and
// struct members in place, static arrays, dynamic arrays (length, then each element from
// keccak(slot)), long strings and bytes (keccak(slot) onwards), and mappings at keccak(key . slot)
// for each candidate key of the mapping's key type (a nested mapping's inner keys are the words seen
// in one log with the outer key). Slots are read in rounds, one batch per round, since an array's
// elements and a string's tail are found only once its first slot is read.

import { ArenaError } from "../core/errors.ts";
import { type Hex, hexToBytes, keccak256, toHex } from "viem";

import type { LayoutType, StorageLayout } from "./contract-layouts.ts";

/** The mapping keys to try: every word for an outer mapping, a word's partners for an inner one. */
export interface KeySource {
  words: Iterable<bigint>;
  partnersOf(word: bigint): Iterable<bigint>;
}

/** Reads slots' values (in one batch, in order). */
export type SlotReader = (slots: readonly bigint[]) => Promise<readonly bigint[]>;

const WORD = 1n << 256n;
/** Small integers are tried as keys of every integer-keyed mapping (indices, enum-like keys, queues). */
const SMALL_INTEGER_KEYS = 16n;
/** An array longer than this is not a battle's: reading it would be a mistake, so the walk stops. */
const MAX_ARRAY_SLOTS = 1_000_000n;

export class StorageWalkError extends ArenaError {
  constructor(message: string) {
    super(message);
  }
}

/** The value of every slot the layout reaches with the keys, and of `extraSlots`, zeros included. */
export async function walkStorage(
  layout: StorageLayout,
  keys: KeySource,
  read: SlotReader,
  extraSlots: Iterable<bigint> = [],
): Promise<Map<bigint, bigint>> {
  const types = layout.types ?? {};
  const values = new Map<bigint, bigint>();
  let wanted = new Set<bigint>(extraSlots);
  let waiting: { slot: bigint; then: (value: bigint) => void }[] = [];

  const typeOf = (id: string): LayoutType => {
    const t = types[id];
    if (t === undefined) throw new StorageWalkError(`storage layout has no type ${id}`);
    return t;
  };
  const want = (slot: bigint) => {
    if (!values.has(slot)) wanted.add(slot);
  };
  const need = (slot: bigint, then: (value: bigint) => void) => {
    want(slot);
    waiting.push({ slot, then });
  };

  const expand = (typeId: string, slot: bigint, outerKey: bigint | undefined): void => {
    const t = typeOf(typeId);
    switch (t.encoding) {
      case "inplace": {
        if (t.members !== undefined) {
          for (const m of t.members) expand(m.type, add(slot, BigInt(m.slot)), outerKey);
          return;
        }
        if (t.base !== undefined) {
          // A static array: packed value elements fill its slots; wider elements take their own.
          const base = typeOf(t.base);
          const slots = BigInt(t.numberOfBytes) / 32n;
          const size = BigInt(base.numberOfBytes);
          if (size < 32n && base.members === undefined && base.base === undefined) {
            for (let i = 0n; i < slots; i++) want(add(slot, i));
            return;
          }
          const stride = size / 32n;
          for (let i = 0n; i < slots / stride; i++) expand(t.base, add(slot, i * stride), outerKey);
          return;
        }
        want(slot);
        return;
      }
      case "mapping": {
        const keyType = t.key!;
        const candidates = outerKey === undefined ? keys.words : keys.partnersOf(outerKey);
        const tried = new Set<bigint>();
        const tryKey = (word: bigint) => {
          const encoded = encodeKey(keyType, word);
          if (encoded === undefined || tried.has(encoded)) return;
          tried.add(encoded);
          expand(t.value!, slotOf(encoded, slot), word);
        };
        for (const word of candidates) tryKey(word);
        if (outerKey === undefined && isInteger(keyType)) for (let k = 0n; k < SMALL_INTEGER_KEYS; k++) tryKey(k);
        return;
      }
      case "dynamic_array": {
        need(slot, (length) => {
          if (length === 0n) return;
          const base = typeOf(t.base!);
          const size = BigInt(base.numberOfBytes);
          const start = hashSlot(slot);
          const packed = size < 32n && base.members === undefined && base.base === undefined;
          const slots = packed ? (length + 32n / size - 1n) / (32n / size) : length * (size / 32n);
          if (slots > MAX_ARRAY_SLOTS)
            throw new StorageWalkError(`${t.label} at slot ${toHex(slot)} has length ${length}: too long to copy`);
          if (packed) {
            for (let i = 0n; i < slots; i++) want(add(start, i));
            return;
          }
          const stride = size / 32n;
          for (let i = 0n; i < length; i++) expand(t.base!, add(start, i * stride), outerKey);
        });
        return;
      }
      case "bytes": {
        need(slot, (header) => {
          if ((header & 1n) === 0n) return; // short: the data is in the slot itself
          const length = (header - 1n) / 2n;
          const start = hashSlot(slot);
          for (let i = 0n; i < (length + 31n) / 32n; i++) want(add(start, i));
        });
        return;
      }
    }
  };

  for (const variable of layout.storage) expand(variable.type, BigInt(variable.slot), undefined);
  while (wanted.size > 0) {
    const batch = [...wanted];
    wanted = new Set();
    const fetched = await read(batch);
    batch.forEach((slot, i) => values.set(slot, fetched[i]!));
    const ready = waiting;
    waiting = [];
    for (const { slot, then } of ready) then(values.get(slot)!);
  }
  return values;
}

/** PUSH32 immediates of runtime code: fixed slots a layout does not list (ERC-7201 namespaces, proxies). */
export function pushedWords(code: Hex): bigint[] {
  const bytes = hexToBytes(code);
  const out: bigint[] = [];
  for (let pc = 0; pc < bytes.length; pc++) {
    const op = bytes[pc]!;
    if (op === 0x7f && pc + 32 < bytes.length) out.push(BigInt(toHex(bytes.subarray(pc + 1, pc + 33))));
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return out;
}

/** The 32-byte key of a mapping for a word, or undefined when the word is not a value of that type. */
function encodeKey(keyType: string, word: bigint): bigint | undefined {
  if (keyType === "t_address" || keyType.startsWith("t_contract(")) return word < 1n << 160n ? word : undefined;
  if (keyType === "t_bool") return word <= 1n ? word : undefined;
  if (keyType.startsWith("t_enum(")) return word < 256n ? word : undefined;
  let m = /^t_uint(\d+)$/.exec(keyType);
  if (m !== null) return word < 1n << BigInt(m[1]!) ? word : undefined;
  m = /^t_int(\d+)$/.exec(keyType);
  if (m !== null) return word < 1n << (BigInt(m[1]!) - 1n) ? word : undefined;
  m = /^t_bytes(\d+)$/.exec(keyType);
  if (m !== null) {
    // bytesN keys are left-aligned in the word, as an indexed bytesN argument's topic is.
    const unused = 8n * (32n - BigInt(m[1]!));
    return word % (1n << unused) === 0n ? word : undefined;
  }
  return undefined; // string and bytes keys are hashed from data no log keeps
}

function isInteger(keyType: string): boolean {
  return /^t_u?int\d+$/.test(keyType);
}

function slotOf(key: bigint, slot: bigint): bigint {
  return BigInt(keccak256(`0x${word(key)}${word(slot)}`));
}

function hashSlot(slot: bigint): bigint {
  return BigInt(keccak256(`0x${word(slot)}`));
}

function word(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}

function add(slot: bigint, offset: bigint): bigint {
  return (slot + offset) % WORD;
}
