// The contracts a battle runs against, as the World sees them: addresses and viem ABIs, read from
// Hardhat's artifacts. Every error the contracts can raise is gathered into one ABI, so any revert
// decodes to its name and values.

import type { Abi, AbiItem, Address } from "viem";

export const SYSTEM_ARTIFACTS = {
  market: "BondingCurveMarket",
  pool: "ConstantProductPool",
  vesting: "Vesting",
  staking: "Staking",
  resource: "ResourceMarket",
  buyback: "Buyback",
  quote: "QuoteToken",
  token: "ArenaToken",
  lens: "ArenaLens",
  store: "ParameterStore",
  governor: "ArenaGovernor",
  timelock: "ArenaTimelock",
} as const;

export type SystemContract = keyof typeof SYSTEM_ARTIFACTS;

/** Hardhat's artifact reader (`hre.artifacts`), or anything that reads artifacts by name the same way. */
export interface ArtifactSource {
  readArtifact(name: string): Promise<{ abi: readonly unknown[]; bytecode: string }>;
}

export interface SystemAbis {
  byContract: Record<SystemContract, Abi>;
  /** Every error of every contract (and the libraries they use), deduplicated by signature. */
  errors: Abi;
  lensBytecode: `0x${string}`;
}

export async function loadSystemAbis(artifacts: ArtifactSource): Promise<SystemAbis> {
  const byContract = {} as Record<SystemContract, Abi>;
  const seen = new Set<string>();
  const errors: AbiItem[] = [];
  let lensBytecode = "0x" as `0x${string}`;
  for (const [key, name] of Object.entries(SYSTEM_ARTIFACTS) as [SystemContract, string][]) {
    const artifact = await artifacts.readArtifact(name);
    const abi = artifact.abi as Abi;
    byContract[key] = abi;
    if (key === "lens") lensBytecode = artifact.bytecode as `0x${string}`;
    for (const item of abi) {
      if (item.type !== "error") continue;
      const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (seen.has(signature)) continue;
      seen.add(signature);
      errors.push(item);
    }
  }
  return { byContract, errors, lensBytecode };
}

/** Addresses of the running system (from the deployment) and the harness's lens. */
/** The deployed contracts a battle trades with, by role: the assets and every mechanism's contract. */
export const TRADED_CONTRACTS = ["market", "pool", "vesting", "quote", "token"] as const;
export type TradedContract = (typeof TRADED_CONTRACTS)[number];

/** The contracts of optional mechanisms (deployed only when the genesis has their section). */
export const OPTIONAL_TRADED_CONTRACTS = ["staking", "resource", "buyback"] as const;
export type OptionalTradedContract = (typeof OPTIONAL_TRADED_CONTRACTS)[number];

export type SystemAddresses = Record<TradedContract, Address> &
  Partial<Record<OptionalTradedContract, Address>> & { lens: Address; treasury: Address };

/** Contract name by lower-case address, to attribute receipts. */
export function contractNames(addresses: SystemAddresses): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, address] of Object.entries(addresses) as [keyof SystemAddresses, Address | undefined][]) {
    if (key === "treasury" || address === undefined) continue;
    names.set(address.toLowerCase(), SYSTEM_ARTIFACTS[key]);
  }
  return names;
}

/**
 * Accounts per ArenaLens call over many accounts (holdings, vestingOf). One account costs ~14,000 gas
 * (more for each vesting schedule it has), and since Osaka (EIP-7825) a call gets at most 2^24 gas:
 * about 1,190 accounts. 256 a call fits well under that and under the smaller call caps some nodes set.
 */
export const LENS_ACCOUNTS_PER_CALL = 256;

/** `items` in consecutive slices of at most `size`, in order (none for no items). */
export function inChunks<T>(items: readonly T[], size: number = LENS_ACCOUNTS_PER_CALL): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
