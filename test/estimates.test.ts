// The behaviours' pool quotes against the contract: the bigint formulas must equal the pool's own
// getAmountOut/getAmountIn to the wei. (The curve's quotes are the fast model's, checked to the wei
// in test/model-differential.test.ts.)
import { expect } from "chai";
import { network } from "hardhat";

import type { Deployment } from "../agents/deploy/deploy.ts";
import { poolAmountIn, poolAmountOut } from "../agents/mechanisms/pool/quotes.ts";
import { Random } from "../agents/core/random.ts";
import type { PoolState } from "../agents/mechanisms/pool/state.ts";
import { deployFixture } from "./fixtures.ts";
import { readPoolState } from "./helpers/market-state.ts";

const connection = await network.create();
const { networkHelpers } = connection;

const SAMPLES = 60;

/** A log-uniform bigint in [lo, hi]: every order of magnitude equally likely. */
function logUniform(rng: Random, lo: bigint, hi: bigint): bigint {
  const exponent = Math.log10(Number(lo)) + rng.unit() * (Math.log10(Number(hi)) - Math.log10(Number(lo)));
  const value = BigInt(Math.round(10 ** exponent));
  return value < lo ? lo : value > hi ? hi : value;
}

describe("estimates", () => {
  describe("pool amounts equal the contract's to the wei", () => {
    it("poolAmountOut is getAmountOut on seeded random reserves and inputs", async () => {
      const { contracts } = await networkHelpers.loadFixture(deployFixture);
      const feeBps = Number(await contracts.pool.feeBps());
      const rng = new Random(20_261_121n);
      for (let i = 0; i < SAMPLES; i++) {
        const reserveIn = logUniform(rng, 1_000n, 10n ** 30n);
        const reserveOut = logUniform(rng, 1_000n, 10n ** 30n);
        const amountIn = logUniform(rng, 1n, 10n ** 30n);
        const pool: PoolState = {
          reserveToken: reserveIn,
          reserveQuote: reserveOut,
          feeBps,
          priceWad: 0n,
          totalLiquidity: 0n,
        };
        const expected = await contracts.pool.getAmountOut(amountIn, reserveIn, reserveOut);
        expect(poolAmountOut(pool, "token", amountIn), `in ${amountIn}, reserves ${reserveIn}/${reserveOut}`).to.equal(
          expected,
        );
      }
    });

    it("poolAmountIn is getAmountIn on seeded random reserves and outputs", async () => {
      const { contracts } = await networkHelpers.loadFixture(deployFixture);
      const feeBps = Number(await contracts.pool.feeBps());
      const rng = new Random(7n);
      for (let i = 0; i < SAMPLES; i++) {
        const reserveIn = logUniform(rng, 1_000n, 10n ** 30n);
        const reserveOut = logUniform(rng, 1_000n, 10n ** 30n);
        const amountOut = logUniform(rng, 1n, reserveOut - 1n);
        // Buying tokens: quote goes in, tokens come out.
        const pool: PoolState = {
          reserveToken: reserveOut,
          reserveQuote: reserveIn,
          feeBps,
          priceWad: 0n,
          totalLiquidity: 0n,
        };
        const expected = await contracts.pool.getAmountIn(amountOut, reserveIn, reserveOut);
        expect(
          poolAmountIn(pool, "token", amountOut),
          `out ${amountOut}, reserves ${reserveIn}/${reserveOut}`,
        ).to.equal(expected);
      }
    });

    it("poolAmountIn refuses what the pool cannot pay, as the contract does", async () => {
      const { contracts } = await networkHelpers.loadFixture(deployFixture);
      const pool = await readPoolState({ contracts } as Deployment);
      expect(poolAmountIn(pool, "token", pool.reserveToken)).to.equal(undefined);
      await expect(
        contracts.pool.getAmountIn(pool.reserveToken, pool.reserveQuote, pool.reserveToken),
      ).to.be.revertedWithCustomError(contracts.pool, "InsufficientLiquidity");
    });
  });
});
