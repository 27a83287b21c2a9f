// What agents see of the resource market at the start of a step: the market and its rule as stored,
// every provider's position and every consumer's credits, with the price a request pays at a given
// time (the contract's currentPriceWad) worked out from them.

import { type ResourceGlobals, type ResourceProvider, ResourceModel } from "./model.ts";

export interface ResourceState extends ResourceGlobals {
  /** Providers by lower-case address (only accounts that ever provided). */
  providers: ReadonlyMap<string, ResourceProvider>;
  /** Credits by lower-case address (only accounts that ever bought). */
  credits: ReadonlyMap<string, bigint>;
}

function modelOf(state: ResourceState): ResourceModel {
  const { providers, credits, ...g } = state;
  return new ResourceModel(g, providers, credits);
}

/** The price (WAD) a request at `timestamp` pays, and what that block has requested and allocated so far. */
export function resourceBlockAt(
  state: ResourceState,
  timestamp: bigint,
): { priceWad: bigint; demand: bigint; allocated: bigint } {
  return modelOf(state).rolled(timestamp);
}

/** Credits `address` holds. */
export function creditsOf(state: ResourceState, address: string): bigint {
  return state.credits.get(address.toLowerCase()) ?? 0n;
}

/** The capacity `address` has bonded, and the earnings it could claim. */
export function resourceProviderOf(state: ResourceState, address: string): { capacity: bigint; earned: bigint } {
  const m = modelOf(state);
  return { capacity: m.provider(address).capacity, earned: m.earned(address) };
}
