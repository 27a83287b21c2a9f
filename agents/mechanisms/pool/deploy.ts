// The pool's deployment: the pool, and its seed from the deployer (LP shares to the Timelock).

import { formatDecimal, QUOTE_DECIMALS } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";

export const POOL_ARTIFACT = "ConstantProductPool";

export const poolStep: DeployStep = {
  name: "pool",
  contract: POOL_ARTIFACT,
  deploys: [{ name: "pool", artifact: POOL_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const a = ctx.addresses;
    await ctx.deploy("pool", POOL_ARTIFACT, [a.token, a.quote, a.store]);
    return `deploy the constant-product pool (fee ${ctx.genesis.pool.feeBps} bps)`;
  },
};

export const poolSeedStep: DeployStep = {
  name: "pool-seed",
  contract: POOL_ARTIFACT,
  transactions: (g) => (g.pool.seed === undefined ? 0 : 3),
  async run(ctx) {
    const seed = ctx.genesis.pool.seed!;
    const a = ctx.addresses;
    await ctx.send("token", "ArenaToken", "approve", [a.pool, seed.tokens]);
    await ctx.send("quote", "QuoteToken", "approve", [a.pool, seed.quote]);
    const deadline = BigInt((await ctx.latestTimestamp()) + SEED_DEADLINE_SECONDS);
    await ctx.send("pool", POOL_ARTIFACT, "addLiquidity", [
      seed.tokens,
      seed.quote,
      seed.tokens,
      seed.quote,
      a.timelock,
      deadline,
    ]);
    return `seed the pool with ${formatDecimal(seed.tokens, 18)} tokens and ${formatDecimal(seed.quote, QUOTE_DECIMALS)} quote; LP shares to the timelock`;
  },
};

/** Seconds from the latest block to the seed's deadline. */
const SEED_DEADLINE_SECONDS = 3_600;
