// Gas of the protocol's hot paths, each measured as one real transaction's gasUsed (21,000 base
// included) on a fresh in-process chain deployed from the ready-made genesis files. Used by
// `npm run bench:gas` (prints and writes bench/results/gas.json) and by the gas-snapshot test.

import type { NetworkConnection } from "hardhat/types/network";

import { deploySystem, type Deployment } from "../deploy/deploy.ts";
import { loadGenesis } from "../inputs/genesis.ts";
import { deployAuctionFixture } from "./auction-fixture.ts";
import { deployBuybackFixture } from "./buyback-fixture.ts";
import { deployReferralFixture } from "./referral-fixture.ts";
import { AuctionModel } from "../mechanisms/auction/model.ts";
import { type Genesis } from "../mechanisms/vocabulary.ts";

export const CURVE_GENESIS = {
  linear: "genesis/default.json",
  exponential: "genesis/exponential.json",
  sigmoid: "genesis/sigmoid.json",
} as const;
export type CurveName = keyof typeof CURVE_GENESIS;
export const STAKING_GENESIS = "genesis/staking.json";
export const RESOURCE_GENESIS = "genesis/resource.json";

/** Operation name → gas per transaction (or per call, for the curve math alone). */
export type GasFigures = Record<string, number>;

const TRADE_TOKENS = 1_000n * 10n ** 18n;
const FAR_DEADLINE = 2n ** 40n;

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was dropped before it was mined");
  return Number(receipt.gasUsed);
}

async function deploy(connection: NetworkConnection, genesis: Genesis): Promise<Deployment> {
  return deploySystem(connection.ethers, genesis, { networkName: connection.networkName });
}

/**
 * Curve trades: a trader's first buy (their token balance goes from zero, the costliest case), a
 * buy by a holder, a partial sell; then the curve math alone for the same quotes.
 */
export async function measureCurve(connection: NetworkConnection, name: CurveName): Promise<GasFigures> {
  const { ethers } = connection;
  const deployment = await deploy(connection, await loadGenesis(CURVE_GENESIS[name]));
  const { market, quote } = deployment.contracts;
  const trader = (await ethers.getSigners())[9];
  await (await quote.connect(trader).mint(trader.address, 10n ** 15n)).wait();
  await (await quote.connect(trader).approve(await market.getAddress(), ethers.MaxUint256)).wait();
  const buy = () =>
    market.connect(trader).buyExactTokens(TRADE_TOKENS, ethers.MaxUint256, trader.address, FAR_DEADLINE);

  const figures: GasFigures = {};
  figures[`buy.${name}.firstHolder`] = await gasOf(buy());
  figures[`buy.${name}`] = await gasOf(buy());
  figures[`buyExactQuote.${name}`] = await gasOf(
    market.connect(trader).buyExactQuote(10n * 10n ** 6n, 0n, trader.address, FAR_DEADLINE),
  );
  figures[`sell.${name}`] = await gasOf(market.connect(trader).sell(TRADE_TOKENS, 0n, trader.address, FAR_DEADLINE));

  const harness = await ethers.deployContract("CurveMathHarness");
  const [p1, p2, p3, p4] = await market.curveParameters();
  const curve = { kind: await market.curveKind(), p1, p2, p3, p4, maxSupply: await market.maxSupply() };
  const supply = await market.supply();
  figures[`curveMath.${name}.costUp`] = Number((await harness.costUpWadGas(curve, supply, TRADE_TOKENS)).gasUsed);
  figures[`curveMath.${name}.refundDown`] = Number(
    (await harness.refundDownWadGas(curve, supply, TRADE_TOKENS)).gasUsed,
  );
  const cost = await harness.costUpWad(curve, supply, TRADE_TOKENS);
  figures[`curveMath.${name}.tokensForQuote`] = Number(
    (await harness.tokensForQuoteDownGas(curve, supply, cost)).gasUsed,
  );
  return figures;
}

/** A pool swap by a trader who already holds both tokens (warm), exact in and exact out, and the first vesting release. */
export async function measurePoolAndVesting(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers, networkHelpers } = connection;
  const deployment = await deploy(connection, await loadGenesis(CURVE_GENESIS.linear));
  const { market, pool, quote, token, vesting } = deployment.contracts;
  const trader = (await ethers.getSigners())[9];
  await (await quote.connect(trader).mint(trader.address, 10n ** 15n)).wait();
  for (const spender of [market, pool]) {
    await (await quote.connect(trader).approve(await spender.getAddress(), ethers.MaxUint256)).wait();
    await (await token.connect(trader).approve(await spender.getAddress(), ethers.MaxUint256)).wait();
  }
  await (
    await market.connect(trader).buyExactTokens(TRADE_TOKENS, ethers.MaxUint256, trader.address, FAR_DEADLINE)
  ).wait();
  const swap = () => pool.connect(trader).swapExactIn(quote.getAddress(), 10n ** 6n, 0n, trader.address, FAR_DEADLINE);
  await (await swap()).wait();

  const figures: GasFigures = {};
  figures["pool.swap"] = await gasOf(swap());
  // The same trade the other way round: the tokens the swap above bought, bought exactly.
  const [reserveToken, reserveQuote] = await pool.getReserves();
  const tokensOut = await pool.getAmountOut(10n ** 6n, reserveQuote, reserveToken);
  const exactOut = () =>
    pool.connect(trader).swapExactOut(token.getAddress(), tokensOut, ethers.MaxUint256, trader.address, FAR_DEADLINE);
  await (await exactOut()).wait();
  figures["pool.swapExactOut"] = await gasOf(exactOut());

  const schedule = await vesting.schedule(0n);
  await networkHelpers.time.increaseTo(Number(schedule.start) + Number(schedule.durationSeconds) / 2);
  figures["vesting.release"] = await gasOf(vesting.release(0n));
  return figures;
}

/**
 * Staking on genesis/staking.json: a first stake (the position's two slots written from zero), a stake
 * by a staker, a claim of what accrued over a day, and an unstake once the lock-up has passed.
 */
export async function measureStaking(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers, networkHelpers } = connection;
  const deployment = await deploy(connection, await loadGenesis(STAKING_GENESIS));
  const { market, quote, token } = deployment.contracts;
  const staking = deployment.contracts.staking!;
  const staker = (await ethers.getSigners())[9];
  await (await quote.connect(staker).mint(staker.address, 10n ** 15n)).wait();
  await (await quote.connect(staker).approve(await market.getAddress(), ethers.MaxUint256)).wait();
  await (await token.connect(staker).approve(await staking.getAddress(), ethers.MaxUint256)).wait();
  await (
    await market.connect(staker).buyExactTokens(10n * TRADE_TOKENS, ethers.MaxUint256, staker.address, FAR_DEADLINE)
  ).wait();

  const figures: GasFigures = {};
  figures["staking.stake.firstStaker"] = await gasOf(staking.connect(staker).stake(TRADE_TOKENS));
  await networkHelpers.time.increase(3_600);
  figures["staking.stake"] = await gasOf(staking.connect(staker).stake(TRADE_TOKENS));
  await networkHelpers.time.increase(86_400);
  figures["staking.claim"] = await gasOf(staking.connect(staker).claim());
  await networkHelpers.time.increase(Number(await staking.lockSeconds()));
  figures["staking.unstake"] = await gasOf(staking.connect(staker).unstake(TRADE_TOKENS));
  return figures;
}

/**
 * The resource market on genesis/resource.json, each transaction in a block of its own (the next period
 * of the market, so each pays the price's once-per-block move, the costlier case): a provider's first
 * bond (its position written from zero) and a second one (its earnings settled); a consumer's first
 * request (its credits from zero) and a request by a consumer that holds credits; a use, a claim of
 * the provider's earnings and a withdrawal of part of its bond.
 */
export async function measureResource(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers, networkHelpers } = connection;
  const deployment = await deploy(connection, await loadGenesis(RESOURCE_GENESIS));
  const { market, quote, token } = deployment.contracts;
  const resource = deployment.contracts.resource!;
  const [provider, consumer] = (await ethers.getSigners()).slice(8, 10);
  const at = await resource.getAddress();
  for (const who of [provider!, consumer!]) {
    await (await quote.connect(who).mint(who.address, 10n ** 15n)).wait();
    await (await quote.connect(who).approve(at, ethers.MaxUint256)).wait();
  }
  await (await quote.connect(provider).approve(await market.getAddress(), ethers.MaxUint256)).wait();
  await (
    await market
      .connect(provider)
      .buyExactTokens(10n * TRADE_TOKENS, ethers.MaxUint256, provider!.address, FAR_DEADLINE)
  ).wait();
  await (await token.connect(provider).approve(at, ethers.MaxUint256)).wait();
  const period = Number(await resource.periodSeconds());
  // The first second of the next period: one market block after the last, none empty between (the gas
  // does not depend on the wall clock the chain started at).
  const nextBlock = async () =>
    networkHelpers.time.setNextBlockTimestamp((Math.floor((await networkHelpers.time.latest()) / period) + 1) * period);
  const CREDITS = 10n ** 18n;

  const figures: GasFigures = {};
  await nextBlock();
  figures["resource.provide.firstProvider"] = await gasOf(resource.connect(provider).provide(100n * CREDITS));
  await nextBlock();
  figures["resource.request.firstCredits"] = await gasOf(
    resource.connect(consumer).request(10n * CREDITS, ethers.MaxUint256),
  );
  await nextBlock();
  figures["resource.request"] = await gasOf(resource.connect(consumer).request(10n * CREDITS, ethers.MaxUint256));
  await nextBlock();
  figures["resource.provide"] = await gasOf(resource.connect(provider).provide(50n * CREDITS));
  await nextBlock();
  figures["resource.use"] = await gasOf(resource.connect(consumer).use(5n * CREDITS));
  await nextBlock();
  figures["resource.claimEarnings"] = await gasOf(resource.connect(provider).claimEarnings());
  await nextBlock();
  figures["resource.withdraw"] = await gasOf(resource.connect(provider).withdraw(20n * CREDITS));
  return figures;
}

/**
 * Referral's buyWithReferrer on a hand-deployed market (agents/gas/referral-fixture.ts): a buy of 10
 * quote by a buyer who holds tokens already, naming a referrer who holds its earlier rewards (the warm
 * case), after a first buy that wrote both balances from zero.
 */
export async function measureReferral(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers } = connection;
  const { referral, quote } = await deployReferralFixture(ethers, {
    rewardBps: 500n,
    capPerPeriod: 1_000_000n * 10n ** 18n,
    budget: 1_000_000n * 10n ** 18n,
    periodSeconds: 86_400n,
  });
  const [buyer, referrer] = (await ethers.getSigners()).slice(8, 10);
  await (await quote.mint(buyer!.address, 10n ** 15n)).wait();
  await (await quote.connect(buyer).approve(await referral.getAddress(), ethers.MaxUint256)).wait();
  const buy = () => referral.connect(buyer).buyWithReferrer(10n * 10n ** 6n, 0n, referrer!.address, FAR_DEADLINE);
  const figures: GasFigures = {};
  figures["referral.buyWithReferrer.firstBuy"] = await gasOf(buy());
  figures["referral.buyWithReferrer"] = await gasOf(buy());
  return figures;
}

/**
 * The batch auction on a hand-deployed fixture (agents/gas/auction-fixture.ts, the 6-decimal quote):
 * a first buy (it opens the batch and places the issuer's offer), then 96 more orders by four traders
 * on 24 price levels, each with the twin's insertion hint; the figures are a buy and a sell by traders
 * who have placed before (warm balances), the settlement's gas per order walked (calls of 25 orders,
 * the finishing call and its fee transfer included), and the claim of a filled buy.
 */
export async function measureAuction(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers, networkHelpers } = connection;
  const rule = {
    batchSeconds: 3_600n,
    feeBps: 30n,
    issuePerBatch: 1_000n * 10n ** 18n,
    reservePriceWad: 5n * 10n ** 17n,
    inventory: 10_000n * 10n ** 18n,
  };
  const { auction, token, quote, treasury } = await deployAuctionFixture(ethers, rule);
  const traders = (await ethers.getSigners()).slice(2, 6);
  for (const t of traders) {
    await (await quote.mint(t.address, 10n ** 15n)).wait();
    await (await token.mint(t.address, 10n ** 24n)).wait();
    await (await quote.connect(t).approve(auction, ethers.MaxUint256)).wait();
    await (await token.connect(t).approve(auction, ethers.MaxUint256)).wait();
  }
  const model = AuctionModel.deployed({ ...rule, quoteDecimals: 6, treasury });
  const figures: GasFigures = {};
  const place = async (i: number, name?: string) => {
    const trader = traders[i % traders.length]!;
    const sell = i % 3 === 1;
    const level = BigInt(i % 24);
    const priceWad = (sell ? 6n + level / 2n : 8n + level / 2n) * 10n ** 17n;
    const amount = sell ? 100n * 10n ** 18n : 80n * 10n ** 6n;
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 1n;
    await networkHelpers.time.setNextBlockTimestamp(now);
    const hint = BigInt(model.hintFor(priceWad, now));
    const tx = sell
      ? auction.connect(trader).placeSell(amount, priceWad, hint)
      : auction.connect(trader).placeBuy(amount, priceWad, hint);
    const gas = await gasOf(tx);
    model.place(trader.address, sell, amount, priceWad, hint, now);
    if (name !== undefined) figures[name] = gas;
  };
  await place(0, "auction.placeOrder.opensBatch");
  for (let i = 1; i < 95; i++) await place(i);
  await place(96, "auction.placeOrder.buy");
  await place(97, "auction.placeOrder.sell");
  await networkHelpers.time.increase(Number(rule.batchSeconds));
  let settleGas = 0;
  let walked = 0;
  for (let done = false; !done; ) {
    const receipt = await (await auction.settle(1n, 25n)).wait();
    settleGas += Number(receipt!.gasUsed);
    for (const log of receipt!.logs) {
      const parsed = auction.interface.parseLog(log);
      if (parsed?.name === "BatchSettling") walked += Number(parsed.args.processed);
      if (parsed?.name === "BatchSettled") done = true;
    }
  }
  figures["auction.settle.perOrder"] = Math.round(settleGas / walked);
  figures["auction.claim"] = await gasOf(auction.connect(traders[3]).claim(25n)); // a buy at 1.9, filled in full
  return figures;
}

/**
 * Buyback's execute on the curve venue (agents/gas/buyback-fixture.ts): a buyer's curve buys give the
 * market treasury fees, `collect` takes half as the budget, and a keeper spends 10 quote of it twice
 * (the first write of the period's ledger, then the warm case that bench:gas holds to its target).
 */
export async function measureBuyback(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers } = connection;
  const { buyback, quote, market } = await deployBuybackFixture(ethers, {
    shareBps: 5_000n,
    capPerPeriod: 1_000_000n * 10n ** 6n,
    maxSlippageBps: 300n,
    periodSeconds: 86_400n,
    venue: "curve",
  });
  const [buyer, keeper] = (await ethers.getSigners()).slice(8, 10);
  await (await quote.mint(buyer!.address, 10n ** 15n)).wait();
  await (await quote.connect(buyer).approve(await market.getAddress(), ethers.MaxUint256)).wait();
  await (await market.connect(buyer).buyExactQuote(10_000n * 10n ** 6n, 0n, buyer!.address, FAR_DEADLINE)).wait();
  const figures: GasFigures = {};
  figures["buyback.collect"] = await gasOf(buyback.collect());
  figures["buyback.execute.first"] = await gasOf(buyback.connect(keeper).execute(10n * 10n ** 6n));
  figures["buyback.execute"] = await gasOf(buyback.connect(keeper).execute(10n * 10n ** 6n));
  return figures;
}

/** One parameter change through the whole lifecycle: propose, first vote, queue, execute. */
export async function measureGovernance(connection: NetworkConnection): Promise<GasFigures> {
  const { ethers, networkHelpers } = connection;
  const genesis = await loadGenesis(CURVE_GENESIS.linear);
  const deployment = await deploy(connection, genesis);
  const { governor, store } = deployment.contracts;
  const [proposer, voter, secondVoter] = await ethers.getSigners();

  const key = ethers.encodeBytes32String("curve.basePrice");
  const current = await store.get(key);
  const parameter = await store.parameter(key);
  await networkHelpers.time.increase(Number(parameter.minIntervalSeconds));
  const targets = [await store.getAddress()];
  const values = [0n];
  const calldatas = [store.interface.encodeFunctionData("set", [key, (current * 95n) / 100n])];
  const description = "Lower the curve's base price by 5%";
  const descriptionHash = ethers.id(description);

  const figures: GasFigures = {};
  figures["governor.propose"] = await gasOf(
    governor.connect(proposer).propose(targets, values, calldatas, description),
  );
  const proposalId = await governor.hashProposal(targets, values, calldatas, descriptionHash);
  await networkHelpers.mine(Number(await governor.votingDelay()) + 1);
  figures["governor.castVote"] = await gasOf(governor.connect(voter).castVote(proposalId, 1));
  figures["governor.castVote.second"] = await gasOf(governor.connect(secondVoter).castVote(proposalId, 1));
  await networkHelpers.mine(Number(await governor.votingPeriod()));
  figures["governor.queue"] = await gasOf(governor.queue(targets, values, calldatas, descriptionHash));
  await networkHelpers.time.increase(Number(genesis.governance.timelockDelaySeconds));
  figures["governor.execute"] = await gasOf(governor.execute(targets, values, calldatas, descriptionHash));
  return figures;
}

/** Every figure, each group on its own fresh chain so that none warms another's storage. */
export async function measureHotPaths(connect: () => Promise<NetworkConnection>): Promise<GasFigures> {
  const figures: GasFigures = {};
  for (const name of Object.keys(CURVE_GENESIS) as CurveName[]) {
    Object.assign(figures, await measureCurve(await connect(), name));
  }
  Object.assign(figures, await measurePoolAndVesting(await connect()));
  Object.assign(figures, await measureGovernance(await connect()));
  Object.assign(figures, await measureStaking(await connect()));
  Object.assign(figures, await measureResource(await connect()));
  Object.assign(figures, await measureReferral(await connect()));
  Object.assign(figures, await measureAuction(await connect()));
  Object.assign(figures, await measureBuyback(await connect()));
  return Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
}
