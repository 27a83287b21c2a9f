// The market's deployment: the token (minted only by the market, so it names the market's address
// before the market exists: the deployer's next-but-one nonce), the market in the very next
// transaction, and the genesis mint of every allocation, vesting's total and the pool seed against
// the reserve.

import { getContractAddress } from "viem";

import { formatDecimal, QUOTE_DECIMALS } from "../../core/units.ts";
import type { DeployStep } from "../../deploy/step.ts";
import { stakingBudget } from "../staking/genesis.ts";
import { CURVE_KIND_IDS } from "./state.ts";

export const TOKEN_ARTIFACT = "ArenaToken";
/** The token of a genesis with a buyback: ArenaToken plus burnOwn (contracts/BurnableArenaToken.sol). */
export const BURNABLE_TOKEN_ARTIFACT = "BurnableArenaToken";
export const MARKET_ARTIFACT = "BondingCurveMarket";

export const tokenStep: DeployStep = {
  name: "token",
  contract: TOKEN_ARTIFACT,
  deploys: [{ name: "token", artifact: TOKEN_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const nonce = await ctx.nonce();
    const predictedMarket = getContractAddress({ from: ctx.deployer, nonce: BigInt(nonce + 1) });
    const { name, symbol } = ctx.genesis.token;
    const artifact = ctx.genesis.buyback === undefined ? TOKEN_ARTIFACT : BURNABLE_TOKEN_ARTIFACT;
    await ctx.deploy("token", artifact, [name, symbol, predictedMarket]);
    ctx.addresses.predictedMarket = predictedMarket;
    return `deploy ${name} (${symbol}), minted only by the market at ${predictedMarket}`;
  },
};

export const marketStep: DeployStep = {
  name: "market",
  contract: MARKET_ARTIFACT,
  deploys: [{ name: "market", artifact: MARKET_ARTIFACT }],
  transactions: () => 1,
  async run(ctx) {
    const g = ctx.genesis;
    const a = ctx.addresses;
    const address = await ctx.deploy("market", MARKET_ARTIFACT, [
      a.token,
      a.quote,
      a.store,
      CURVE_KIND_IDS[g.curve.kind],
      g.maxSupply,
      a.buyback ?? a.timelock, // the treasury fees go to the buyback when there is one
      a.timelock,
      ctx.guardian,
    ]);
    const predicted = a.predictedMarket;
    delete a.predictedMarket;
    if (address !== predicted) {
      throw new Error(
        `the market landed at ${address}, not at ${predicted}, the token's minter: another transaction from the deployer ${ctx.deployer} came in between; deploy again from an idle account`,
      );
    }
    if (a.buyback !== undefined) {
      const [token, market] = [a.predictedBuybackToken, a.predictedBuybackMarket];
      delete a.predictedBuybackToken;
      delete a.predictedBuybackMarket;
      if (a.token !== token || address !== market) {
        throw new Error(
          `the token and the market landed at ${a.token} and ${address}, not at ${token} and ${market}, where the buyback expects them: another transaction from the deployer ${ctx.deployer} came in between; deploy again from an idle account`,
        );
      }
    }
    return `deploy the ${g.curve.kind} bonding-curve market`;
  },
};

export const genesisStep: DeployStep = {
  name: "genesis",
  contract: MARKET_ARTIFACT,
  transactions: () => 2,
  async run(ctx) {
    const g = ctx.genesis;
    const allocations = g.allocations.map((a, i) => ({
      to: ctx.account(a.to, `allocations[${i}].to`),
      amount: a.amount,
    }));
    const vestingTotal = g.vesting.reduce((sum, v) => sum + v.amount, 0n);
    if (vestingTotal > 0n) allocations.push({ to: ctx.addresses.vesting!, amount: vestingTotal });
    if (g.pool.seed !== undefined) allocations.push({ to: ctx.deployer, amount: g.pool.seed.tokens });
    if (stakingBudget(g) > 0n) allocations.push({ to: ctx.addresses.staking!, amount: stakingBudget(g) });
    const minted = allocations.reduce((sum, a) => sum + a.amount, 0n);
    await ctx.send("quote", "QuoteToken", "approve", [ctx.addresses.market, g.reserve]);
    await ctx.send("market", MARKET_ARTIFACT, "genesis", [allocations, g.reserve]);
    return `mint ${formatDecimal(minted, 18)} tokens to ${allocations.length} holders against a reserve of ${formatDecimal(g.reserve, QUOTE_DECIMALS)} quote`;
  },
  hint(revert, genesis) {
    return revert.name === "GenesisReserveTooLow"
      ? `Raise "reserve" in ${genesis.source} to at least ${formatDecimal(revert.args.requiredQuote as bigint, QUOTE_DECIMALS)} quote`
      : undefined;
  },
};
