// A Referral contract on a fresh linear bonding-curve market, deployed by hand (no genesis section
// deploys referral yet): a test store (MockParameterStore, which pushes changes to consumers) holding
// the curve's, the market's and the referral rule's parameters, the token minted only by the market,
// the referral contract registered as its rule's consumer, and its token budget minted to it by the
// market's genesis. Used by the referral differential test and bench:gas.

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String, getCreateAddress } from "ethers";

import { REFERRAL_KEYS } from "../mechanisms/referral/model.ts";

export const REFERRAL_FIXTURE = {
  slopeWad: 10n ** 9n, // 1e-9 quote per token per token
  basePriceWad: 10n ** 16n, // 0.01
  maxSupply: 500_000_000n * 10n ** 18n,
  buyFeeBps: 100n,
  sellFeeBps: 100n,
  treasuryShareBps: 5_000n,
} as const;

export async function deployReferralFixture(
  ethers: HardhatEthers,
  rule: { rewardBps: bigint; capPerPeriod: bigint; budget: bigint; periodSeconds: bigint },
) {
  const f = REFERRAL_FIXTURE;
  const key = (k: string) => encodeBytes32String(k);
  const [deployer, treasury] = await ethers.getSigners();
  const quote = await ethers.deployContract("QuoteToken");
  const store = await ethers.deployContract("MockParameterStore", [key("curve.slope"), f.slopeWad]);
  for (const [k, v] of [
    ["curve.basePrice", f.basePriceWad],
    ["market.buyFeeBps", f.buyFeeBps],
    ["market.sellFeeBps", f.sellFeeBps],
    ["market.treasuryShareBps", f.treasuryShareBps],
    [REFERRAL_KEYS.rewardBps, rule.rewardBps],
    [REFERRAL_KEYS.capPerPeriod, rule.capPerPeriod],
  ] as const)
    await (await store.set(key(k), v)).wait();
  const nonce = await ethers.provider.getTransactionCount(deployer!.address);
  const predicted = getCreateAddress({ from: deployer!.address, nonce: nonce + 1 });
  const token = await ethers.deployContract("ArenaToken", ["Arena", "ARENA", predicted]);
  const market = await ethers.deployContract("BondingCurveMarket", [
    token,
    quote,
    store,
    0,
    f.maxSupply,
    treasury!.address,
    treasury!.address,
    treasury!.address,
  ]);
  const referral = await ethers.deployContract("Referral", [market, token, quote, store, rule.periodSeconds]);
  const deployedAt = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await (await store.setConsumer(key(REFERRAL_KEYS.rewardBps), referral)).wait();
  await (await store.setConsumer(key(REFERRAL_KEYS.capPerPeriod), referral)).wait();
  // The budget is the genesis mint to the referral contract, against the reserve it needs.
  const [costWithFee, fee] = await market.quoteBuyExactTokens(rule.budget);
  const reserve = costWithFee - fee;
  await (await quote.mint(deployer!.address, reserve)).wait();
  await (await quote.approve(market, reserve)).wait();
  await (await market.genesis([{ to: await referral.getAddress(), amount: rule.budget }], reserve)).wait();
  return { token, quote, store, market, referral, deployedAt };
}
