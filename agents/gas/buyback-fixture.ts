// A Buyback contract on a fresh linear bonding-curve market, deployed by hand: a test store
// (MockParameterStore, which pushes changes to consumers) holding the curve's, the market's, the pool's
// and the buyback policy's parameters; the buyback first (it is the market's treasury, so the market
// names it), then the burnable token and the market at the addresses the buyback was given; a pool
// seeded at the curve's price; and the buyback registered as its policy's consumer. Used by bench:gas
// and the buyback differential test.

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String, getCreateAddress } from "ethers";

export const BUYBACK_FIXTURE = {
  slopeWad: 10n ** 9n, // 1e-9 quote per token per token
  basePriceWad: 10n ** 16n, // 0.01
  maxSupply: 500_000_000n * 10n ** 18n,
  buyFeeBps: 100n,
  sellFeeBps: 100n,
  treasuryShareBps: 5_000n,
  poolFeeBps: 30n,
  holderTokens: 2_000_000n * 10n ** 18n,
  poolTokens: 1_000_000n * 10n ** 18n,
} as const;

export const BUYBACK_VENUES = { curve: 0, pool: 1 } as const;
export type BuybackVenue = keyof typeof BUYBACK_VENUES;

export async function deployBuybackFixture(
  ethers: HardhatEthers,
  policy: {
    shareBps: bigint;
    capPerPeriod: bigint;
    maxSlippageBps: bigint;
    periodSeconds: bigint;
    venue: BuybackVenue;
  },
) {
  const f = BUYBACK_FIXTURE;
  const key = (k: string) => encodeBytes32String(k);
  const [deployer, timelock] = await ethers.getSigners();
  const quote = await ethers.deployContract("QuoteToken");
  const store = await ethers.deployContract("MockParameterStore", [key("curve.slope"), f.slopeWad]);
  for (const [k, v] of [
    ["curve.basePrice", f.basePriceWad],
    ["market.buyFeeBps", f.buyFeeBps],
    ["market.sellFeeBps", f.sellFeeBps],
    ["market.treasuryShareBps", f.treasuryShareBps],
    ["pool.feeBps", f.poolFeeBps],
    ["buyback.shareBps", policy.shareBps],
    ["buyback.capPerPeriod", policy.capPerPeriod],
    ["buyback.maxSlippageBps", policy.maxSlippageBps],
  ] as const)
    await (await store.set(key(k), v)).wait();
  const nonce = await ethers.provider.getTransactionCount(deployer!.address);
  const tokenAt = getCreateAddress({ from: deployer!.address, nonce: nonce + 1 });
  const marketAt = getCreateAddress({ from: deployer!.address, nonce: nonce + 2 });
  const buyback = await ethers.deployContract("Buyback", [
    tokenAt,
    marketAt,
    quote,
    store,
    timelock!.address,
    BUYBACK_VENUES[policy.venue],
    policy.periodSeconds,
  ]);
  const token = await ethers.deployContract("BurnableArenaToken", ["Arena", "ARENA", marketAt]);
  const market = await ethers.deployContract("BondingCurveMarket", [
    token,
    quote,
    store,
    0,
    f.maxSupply,
    buyback,
    timelock!.address,
    timelock!.address,
  ]);
  const pool = await ethers.deployContract("ConstantProductPool", [token, quote, store]);
  const deployedAt = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  for (const k of ["buyback.shareBps", "buyback.capPerPeriod", "buyback.maxSlippageBps"])
    await (await store.setConsumer(key(k), buyback)).wait();
  await (await store.setConsumer(key("pool.feeBps"), pool)).wait();
  const supply = f.holderTokens + f.poolTokens;
  const [costWithFee, fee] = await market.quoteBuyExactTokens(supply);
  const reserve = costWithFee - fee;
  await (await quote.mint(deployer!.address, reserve)).wait();
  await (await quote.approve(market, reserve)).wait();
  await (await market.genesis([{ to: deployer!.address, amount: supply }], reserve)).wait();
  // The pool at the curve's starting price region: 1,000,000 tokens against 10,000 quote plus the slope's share.
  const poolQuote = (f.poolTokens * (await market.priceWad())) / 10n ** 30n;
  await (await quote.mint(deployer!.address, poolQuote)).wait();
  await (await quote.approve(pool, poolQuote)).wait();
  await (await token.approve(pool, f.poolTokens)).wait();
  await (await pool.addLiquidity(f.poolTokens, poolQuote, 0n, 0n, deployer!.address, 2n ** 40n)).wait();
  if (policy.venue === "pool") await (await buyback.bindPool(pool)).wait();
  return { token, quote, store, market, pool, buyback, deployedAt, timelock: timelock!.address };
}
