// The behaviours' quotes against the contracts: the pool's bigint formulas must equal the pool's own
// getAmountOut/getAmountIn to the wei, and the curve's float estimates must stay within 1e-9 of the
// market's exact quotes on every ready-made genesis.
import { expect } from "chai";
import { network } from "hardhat";

import type { Deployment } from "../agents/deploy/deploy.ts";
import { estimateBuyCost, estimateSellRefund, estimateTokensForQuote, poolAmountIn, poolAmountOut } from "../agents/harness/estimates.ts";
import { Random } from "../agents/harness/random.ts";
import type { PoolState } from "../agents/harness/types.ts";
import { deployExponentialFixture, deployFixture, deploySigmoidFixture } from "./fixtures.ts";
import { readCurveState, readPoolState } from "./helpers/market-state.ts";

const connection = await network.create();
const { networkHelpers } = connection;

const SAMPLES = 60;
const RELATIVE = 1e-9;
/** The estimate and the contract each round to the quote unit, and the fee rounds up once more. */
const ROUNDING_UNITS = 2n;

/** A log-uniform bigint in [lo, hi]: every order of magnitude equally likely. */
function logUniform(rng: Random, lo: bigint, hi: bigint): bigint {
  const exponent = Math.log10(Number(lo)) + rng.unit() * (Math.log10(Number(hi)) - Math.log10(Number(lo)));
  const value = BigInt(Math.round(10 ** exponent));
  return value < lo ? lo : value > hi ? hi : value;
}

function expectClose(estimate: bigint, exact: bigint, what: string): void {
  const diff = estimate > exact ? estimate - exact : exact - estimate;
  const allowed = BigInt(Math.ceil(Number(exact) * RELATIVE)) + ROUNDING_UNITS;
  expect(diff <= allowed, `${what}: estimate ${estimate}, contract ${exact}, off by ${diff} (allowed ${allowed})`).to.equal(true);
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
        const pool: PoolState = { reserveToken: reserveIn, reserveQuote: reserveOut, feeBps, priceWad: 0n, totalLiquidity: 0n };
        const expected = await contracts.pool.getAmountOut(amountIn, reserveIn, reserveOut);
        expect(poolAmountOut(pool, "token", amountIn), `in ${amountIn}, reserves ${reserveIn}/${reserveOut}`).to.equal(expected);
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
        const pool: PoolState = { reserveToken: reserveOut, reserveQuote: reserveIn, feeBps, priceWad: 0n, totalLiquidity: 0n };
        const expected = await contracts.pool.getAmountIn(amountOut, reserveIn, reserveOut);
        expect(poolAmountIn(pool, "token", amountOut), `out ${amountOut}, reserves ${reserveIn}/${reserveOut}`).to.equal(expected);
      }
    });

    it("poolAmountIn refuses what the pool cannot pay, as the contract does", async () => {
      const { contracts } = await networkHelpers.loadFixture(deployFixture);
      const pool = await readPoolState({ contracts } as Deployment);
      expect(poolAmountIn(pool, "token", pool.reserveToken)).to.equal(undefined);
      await expect(contracts.pool.getAmountIn(pool.reserveToken, pool.reserveQuote, pool.reserveToken)).to.be.revertedWithCustomError(contracts.pool, "InsufficientLiquidity");
    });
  });

  const genesisFixtures = [
    ["genesis/default.json (linear)", deployFixture],
    ["genesis/exponential.json", deployExponentialFixture],
    ["genesis/sigmoid.json", deploySigmoidFixture],
  ] as const;

  for (const [name, fixture] of genesisFixtures) {
    describe(`curve estimates within ${RELATIVE} of the market on ${name}`, () => {
      it("estimateBuyCost matches quoteBuyExactTokens", async () => {
        const deployment = await networkHelpers.loadFixture(fixture);
        const curve = await readCurveState(deployment);
        const rng = new Random(11n);
        const room = curve.maxSupply - curve.supply;
        for (let i = 0; i < SAMPLES; i++) {
          const amount = logUniform(rng, 10n ** 15n, room);
          const [cost] = await deployment.contracts.market.quoteBuyExactTokens(amount);
          expectClose(estimateBuyCost(curve, amount), cost, `buy ${amount}`);
        }
      });

      it("estimateSellRefund matches quoteSell", async () => {
        const deployment = await networkHelpers.loadFixture(fixture);
        const curve = await readCurveState(deployment);
        const rng = new Random(13n);
        for (let i = 0; i < SAMPLES; i++) {
          const amount = logUniform(rng, 10n ** 15n, curve.supply);
          const [refund] = await deployment.contracts.market.quoteSell(amount);
          expectClose(estimateSellRefund(curve, amount), refund, `sell ${amount}`);
        }
      });

      it("estimateTokensForQuote matches quoteBuyExactQuote", async () => {
        const deployment = await networkHelpers.loadFixture(fixture);
        const curve = await readCurveState(deployment);
        const rng = new Random(17n);
        for (let i = 0; i < SAMPLES; i++) {
          const quoteIn = logUniform(rng, 1_000_000n, 10n ** 12n);
          const [amount] = await deployment.contracts.market.quoteBuyExactQuote(quoteIn);
          const estimate = estimateTokensForQuote(curve, quoteIn);
          const diff = estimate > amount ? estimate - amount : amount - estimate;
          expect(Number(diff) <= Number(amount) * RELATIVE + 1, `quoteIn ${quoteIn}: estimate ${estimate}, contract ${amount}`).to.equal(true);
        }
      });
    });
  }
});
