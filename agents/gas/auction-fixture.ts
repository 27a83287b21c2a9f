// A BatchAuction deployed by hand (no genesis section deploys it yet): a votes token like the arena's
// (TestVotesToken: its transfers pay the votes bookkeeping the arena token's do), the test stablecoin,
// a test store (MockParameterStore, which pushes changes to consumers) holding the auction's four
// parameters with the auction registered as their consumer, and its inventory minted to it. Used by
// the auction differential test and bench:gas.

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String } from "ethers";

import { AUCTION_KEYS } from "../mechanisms/auction/model.ts";

export interface AuctionRule {
  batchSeconds: bigint;
  feeBps: bigint;
  issuePerBatch: bigint;
  reservePriceWad: bigint;
  inventory: bigint;
}

export async function deployAuctionFixture(ethers: HardhatEthers, rule: AuctionRule) {
  const key = (k: string) => encodeBytes32String(k);
  const [, treasury] = await ethers.getSigners();
  const token = await ethers.deployContract("TestVotesToken");
  const quote = await ethers.deployContract("QuoteToken");
  const store = await ethers.deployContract("MockParameterStore", [key(AUCTION_KEYS.batchSeconds), rule.batchSeconds]);
  for (const [k, v] of [
    [AUCTION_KEYS.feeBps, rule.feeBps],
    [AUCTION_KEYS.issuePerBatch, rule.issuePerBatch],
    [AUCTION_KEYS.reservePriceWad, rule.reservePriceWad],
  ] as const)
    await (await store.set(key(k), v)).wait();
  const auction = await ethers.deployContract("BatchAuction", [token, quote, store, treasury!.address, rule.inventory]);
  for (const k of Object.values(AUCTION_KEYS)) await (await store.setConsumer(key(k), auction)).wait();
  await (await token.mint(auction, rule.inventory)).wait();
  return { auction, token, quote, store, treasury: treasury!.address };
}
