// Runs a behaviour over a sequence of observations with one seeded context, as the World would,
// and collects what it asked for at each step; and markets at a chosen price.

import type { Behaviour } from "../../agents/behaviours/behaviour.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { PoolState } from "../../agents/mechanisms/pool/state.ts";
import { TOKEN, context, poolState } from "./observation.ts";

export async function runSteps(
  behaviour: Behaviour,
  observations: readonly Observation[],
  seed = 1n,
): Promise<Intent[][]> {
  const ctx = context(seed);
  const out: Intent[][] = [];
  for (const obs of observations) out.push(await behaviour.step(obs, ctx));
  return out;
}

/** The 1-based steps at which it asked for anything. */
export function activeSteps(intentsPerStep: readonly Intent[][], observations: readonly Observation[]): number[] {
  return observations.filter((_, i) => intentsPerStep[i]!.length > 0).map((obs) => obs.step);
}

/** A pool of 1,000,000 tokens priced at `price` quote per token; its priceWad is exactly wad(price). */
export function poolAtPrice(price: number, feeBps = 30): PoolState {
  return poolState(1_000_000n * TOKEN, BigInt(Math.round(price * 1e12)), feeBps);
}
