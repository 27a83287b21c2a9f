// The buyback's deployment. It is the market's treasury (the market sends its treasury fees to it), so
// it comes before the token and the market: it names the token and the market at the deployer's next
// two nonces (the token step and the market step come right after it; the market step checks they
// landed there), and reads its policy's three parameters from the store in its constructor (so it comes
// after the parameters, and before the consumers step registers it as theirs). A pool venue is bound
// once the pool exists (bindPool, by the deployer). A genesis with a buyback deploys BurnableArenaToken
// for the token (market/deploy.ts): the buyback burns with burnOwn.

import { getContractAddress } from "viem";

import { formatDecimal, QUOTE_DECIMALS } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";
import { BUYBACK_VENUE_IDS } from "./model.ts";

export const BUYBACK_ARTIFACT = "Buyback";

export const buybackStep: DeployStep = {
  name: "buyback",
  contract: BUYBACK_ARTIFACT,
  deploys: [{ name: "buyback", artifact: BUYBACK_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const b = ctx.genesis.buyback!;
    const a = ctx.addresses;
    const nonce = await ctx.nonce();
    const token = getContractAddress({ from: ctx.deployer, nonce: BigInt(nonce + 1) });
    const market = getContractAddress({ from: ctx.deployer, nonce: BigInt(nonce + 2) });
    await ctx.deploy("buyback", BUYBACK_ARTIFACT, [
      token,
      market,
      a.quote,
      a.store,
      a.timelock,
      BUYBACK_VENUE_IDS[b.venue],
      BigInt(b.periodSeconds),
    ]);
    a.predictedBuybackToken = token;
    a.predictedBuybackMarket = market;
    return `deploy the buyback (the market's treasury: ${b.shareBps} bps of its revenue, at most ${formatDecimal(b.capPerPeriod, QUOTE_DECIMALS)} quote per ${b.periodSeconds}s on the ${b.venue}), for the token at ${token} and the market at ${market}`;
  },
};

export const buybackPoolStep: DeployStep = {
  name: "buyback-pool",
  contract: BUYBACK_ARTIFACT,
  transactions: (g) => (g.buyback?.venue === "pool" ? 1 : 0),
  async run(ctx) {
    await ctx.send("buyback", BUYBACK_ARTIFACT, "bindPool", [ctx.addresses.pool]);
    return "bind the pool as the buyback's venue";
  },
};
