// A ConstantProductPool on a test store (pool.feeBps 30) between two test tokens, and an account funded
// with both and approved to the pool: what the pool's differential tests start from.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import type { Random } from "../../agents/core/random.ts";

const POOL_FEE_KEY_TEXT = "pool.feeBps";
const FUNDS = 10n ** 34n;

/** An empty pool (no deposit yet), its store and tokens, and the funded account (the second signer). */
export async function emptyPool(ethers: HardhatEthers, quoteDecimals: number) {
  const feeKey = ethers.encodeBytes32String(POOL_FEE_KEY_TEXT);
  const [, account] = await ethers.getSigners();
  const token = await ethers.deployContract("TestERC20", ["Arena", "ARENA", 18]);
  const quote = await ethers.deployContract("TestERC20", ["Quote", "USDQ", quoteDecimals]);
  const store = await ethers.deployContract("MockParameterStore", [feeKey, 30n]);
  const pool = await ethers.deployContract("ConstantProductPool", [token, quote, store]);
  await store.setConsumer(feeKey, pool);
  await token.mint(account!, FUNDS);
  await quote.mint(account!, FUNDS);
  await token.connect(account!).approve(pool, ethers.MaxUint256);
  await quote.connect(account!).approve(pool, ethers.MaxUint256);
  return { account: account!, token, quote, store, pool, quoteDecimals };
}

/** A draw spread evenly over orders of magnitude, 1 … max (0 when max < 1). */
export function logUniform(rng: Random, max: bigint): bigint {
  if (max < 1n) return 0n;
  const bits = max.toString(2).length;
  const hi = (1n << BigInt(rng.index(bits) + 1)) - 1n;
  const top = hi < max ? hi : max;
  return rng.uniform(top >> 1n > 0n ? top >> 1n : 1n, top);
}
