// The project's compiled contracts as the state copier needs them: each contract's storage layout
// (solc's `storageLayout`, which hardhat.config.ts selects into the build infos), its runtime code to
// recognise it on a chain (immutables and library links masked), and every event ABI (to harvest
// mapping keys from logs). Read from artifacts/build-info/*.output.json, which also holds the Solidity
// test contracts: so it is read only when a chain is first copied, once per process, and only this
// compact table is kept.

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import type { AbiEvent } from "viem";

/** One variable or struct member of a storage layout. */
export interface LayoutVariable {
  label: string;
  /** Decimal slot, relative to the struct for a member. */
  slot: string;
  offset: number;
  type: string;
}

export interface LayoutType {
  encoding: "inplace" | "mapping" | "dynamic_array" | "bytes";
  label: string;
  numberOfBytes: string;
  key?: string;
  value?: string;
  base?: string;
  members?: LayoutVariable[];
}

export interface StorageLayout {
  storage: LayoutVariable[];
  types: Record<string, LayoutType> | null;
}

export interface CompiledContract {
  /** `sourceName:ContractName`. */
  name: string;
  layout: StorageLayout | undefined;
  /** Runtime code, lower-case hex without 0x, with the masked ranges zeroed. */
  maskedCode: string;
  /** Byte ranges [start, length] that differ per deployment (immutables, library addresses). */
  masks: readonly (readonly [number, number])[];
}

interface BuildInfoContract {
  abi?: readonly { type: string }[];
  storageLayout?: StorageLayout;
  evm?: {
    deployedBytecode?: {
      object?: string;
      immutableReferences?: Record<string, { start: number; length: number }[]>;
      linkReferences?: Record<string, Record<string, { start: number; length: number }[]>>;
    };
  };
}

export class ContractLayouts {
  readonly contracts: readonly CompiledContract[];
  /** Every event of every contract, one per signature. */
  readonly events: readonly AbiEvent[];
  private readonly byLength = new Map<number, CompiledContract[]>();

  constructor(contracts: readonly CompiledContract[], events: readonly AbiEvent[]) {
    this.contracts = contracts;
    this.events = events;
    for (const c of contracts) {
      const list = this.byLength.get(c.maskedCode.length) ?? [];
      list.push(c);
      this.byLength.set(c.maskedCode.length, list);
    }
  }

  /** The compiled contract whose runtime code this is (immutables and links aside), if any. */
  identify(code: string): CompiledContract | undefined {
    const hex = code.startsWith("0x") ? code.slice(2).toLowerCase() : code.toLowerCase();
    for (const c of this.byLength.get(hex.length) ?? []) {
      if (maskCode(hex, c.masks) === c.maskedCode) return c;
    }
    return undefined;
  }
}

const loaded = new Map<string, Promise<ContractLayouts>>();

/** The compiled contracts of an artifacts folder (Hardhat's `artifacts/` by default), read once per process. */
export function loadContractLayouts(artifactsDir = "artifacts"): Promise<ContractLayouts> {
  let pending = loaded.get(artifactsDir);
  if (pending === undefined) {
    pending = readLayouts(artifactsDir);
    loaded.set(artifactsDir, pending);
    pending.catch(() => loaded.delete(artifactsDir));
  }
  return pending;
}

async function readLayouts(artifactsDir: string): Promise<ContractLayouts> {
  const dir = join(artifactsDir, "build-info");
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".output.json")).sort();
  } catch (error) {
    throw new Error(`no build infos in ${dir} (run \`bin/arena build\`): ${(error as Error).message}`);
  }
  const contracts: CompiledContract[] = [];
  const events = new Map<string, AbiEvent>();
  for (const file of files) {
    const output = JSON.parse(await readFile(join(dir, file), "utf8")) as {
      output?: { contracts?: Record<string, Record<string, BuildInfoContract>> };
    };
    for (const [source, byName] of Object.entries(output.output?.contracts ?? {})) {
      for (const [name, contract] of Object.entries(byName)) {
        for (const item of contract.abi ?? []) {
          if (item.type !== "event") continue;
          const event = item as AbiEvent;
          events.set(`${event.name}(${event.inputs.map((i) => `${i.type}${i.indexed ? "!" : ""}`).join(",")})`, event);
        }
        const runtime = contract.evm?.deployedBytecode;
        if (runtime?.object === undefined || runtime.object.length === 0) continue;
        const masks: [number, number][] = [];
        for (const refs of Object.values(runtime.immutableReferences ?? {}))
          for (const r of refs) masks.push([r.start, r.length]);
        for (const byLib of Object.values(runtime.linkReferences ?? {}))
          for (const refs of Object.values(byLib)) for (const r of refs) masks.push([r.start, r.length]);
        contracts.push({
          name: `${source}:${name}`,
          layout: contract.storageLayout,
          maskedCode: maskCode(runtime.object.toLowerCase(), masks),
          masks,
        });
      }
    }
  }
  return new ContractLayouts(contracts, [...events.values()]);
}

/** Zeroes byte ranges of hex code (library placeholders are not hex, so they are zeroed too). */
function maskCode(hex: string, masks: readonly (readonly [number, number])[]): string {
  if (masks.length === 0) return hex;
  const chars = hex.split("");
  for (const [start, length] of masks) for (let i = 2 * start; i < 2 * (start + length); i++) chars[i] = "0";
  return chars.join("");
}
