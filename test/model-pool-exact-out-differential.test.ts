/**
 * The pool's exact-output swap on the fast model (PoolModel.swapExactOut) against ConstantProductPool's
 * swapExactOut, to the wei: seeded random exact-output buys of either token — amounts from one wei to
 * past the whole reserve, limits at, above and one wei under the pool's own quote, zero amounts —
 * interleaved with exact-input swaps and fee changes (0 … 10%), on a pool seeded by a first deposit.
 * After every step the reserves, fee and price must be equal, the input the swap took equal, and the
 * reverts of the same name (ExcessiveInput, InsufficientLiquidity, ZeroAmount). Both a 6-decimal and an
 * 18-decimal quote token.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { Random } from "../agents/core/random.ts";
import { PoolModel } from "../agents/mechanisms/pool/model.ts";
import { chainOutcome, modelOutcome } from "./helpers/outcome.ts";
import { emptyPool, logUniform } from "./helpers/pool-fixture.ts";

const { ethers, networkHelpers } = await network.create();

const FEE_KEY = ethers.encodeBytes32String("pool.feeBps");
const NEVER = ethers.MaxUint256;
const STEPS = 160;

async function seededPool(quoteDecimals: number) {
  const { account: trader, pool, ...rest } = await emptyPool(ethers, quoteDecimals);
  const seed = { token: 10n ** 23n, quote: 1_000n * 10n ** BigInt(quoteDecimals) };
  await (await pool.connect(trader).addLiquidity(seed.token, seed.quote, 0n, 0n, trader.address, NEVER)).wait();
  return { trader, pool, ...rest, seed };
}

const sixDecimalPool = () => seededPool(6);
const eighteenDecimalPool = () => seededPool(18);

describe("fast model pool's exact-output swap against the contract", function () {
  this.timeout(120_000);

  for (const [name, fixture, seed] of [
    ["6-decimal quote", sixDecimalPool, 0x6578616374n],
    ["18-decimal quote", eighteenDecimalPool, 0x657861637412n],
  ] as const) {
    it(`${name}: ${STEPS} random steps take the same input, leave the same reserves and price, and revert alike`, async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { pool, store, trader, token, quote } = f;
      const interfaces = [pool.interface, token.interface, quote.interface];
      const model = new PoolModel(
        {
          reserveToken: f.seed.token,
          reserveQuote: f.seed.quote,
          feeBps: 30,
          totalLiquidity: await pool.totalSupply(),
        },
        f.quoteDecimals,
      );
      const rng = new Random(seed);
      const seen = new Set<string>();
      let exactOutSwaps = 0;

      for (let i = 0; i < STEPS; i++) {
        const s = model.state;
        const roll = rng.unit();
        let chain: () => Promise<bigint[]>;
        let inModel: () => bigint[];
        let label: string;
        if (roll < 0.7) {
          const buyToken = rng.chance(0.5);
          const reserveOut = buyToken ? s.reserveToken : s.reserveQuote;
          const amountOut = rng.chance(0.03) ? 0n : rng.chance(0.05) ? reserveOut : logUniform(rng, reserveOut);
          const quoted = amountOut > 0n && amountOut < reserveOut ? model.getAmountIn(amountOut, !buyToken) : 0n;
          const limit = rng.unit();
          const maxIn = limit < 0.2 && quoted > 0n ? quoted - 1n : limit < 0.6 ? quoted : NEVER;
          label = `swapExactOut(${buyToken ? "token" : "quote"}, ${amountOut}, maxIn ${maxIn === NEVER ? "any" : maxIn})`;
          chain = async () => {
            const args = [buyToken ? token : quote, amountOut, maxIn, trader.address, NEVER] as const;
            const paid = await pool.connect(trader).swapExactOut.staticCall(...args);
            await (await pool.connect(trader).swapExactOut(...args)).wait();
            return [paid];
          };
          inModel = () => [model.swapExactOut(buyToken, amountOut, maxIn)];
          exactOutSwaps++;
        } else if (roll < 0.9) {
          const tokenIn = rng.chance(0.5);
          const amount = logUniform(rng, (tokenIn ? s.reserveToken : s.reserveQuote) / 2n);
          label = `swapExactIn(${tokenIn ? "token" : "quote"}, ${amount})`;
          chain = async () => {
            const args = [tokenIn ? token : quote, amount, 0n, trader.address, NEVER] as const;
            const out = await pool.connect(trader).swapExactIn.staticCall(...args);
            await (await pool.connect(trader).swapExactIn(...args)).wait();
            return [out];
          };
          inModel = () => [model.swapExactIn(tokenIn, amount, 0n)];
        } else {
          const fee = rng.uniform(0n, 1_000n);
          label = `set(pool.feeBps, ${fee})`;
          chain = async () => {
            await (await store.set(FEE_KEY, fee)).wait();
            return [];
          };
          inModel = () => (model.setParameter("pool.feeBps", fee), []);
        }

        const onChain = await chainOutcome(chain, interfaces);
        const byModel = modelOutcome(inModel);
        expect(byModel, `step ${i + 1}: ${label}`).to.deep.equal(onChain);
        if ("error" in onChain) seen.add(onChain.error);

        const [[reserveToken, reserveQuote], feeBps, priceWad, totalLiquidity] = await Promise.all([
          pool.getReserves(),
          pool.feeBps(),
          pool.priceWad(),
          pool.totalSupply(),
        ]);
        expect({ ...model.state, priceWad: model.priceWad() }, `step ${i + 1}: ${label}: pool`).to.deep.equal({
          reserveToken,
          reserveQuote,
          feeBps: Number(feeBps),
          totalLiquidity,
          priceWad,
        });
      }
      expect(exactOutSwaps).to.be.greaterThan(STEPS / 2);
      expect([...seen]).to.include.members(["ExcessiveInput", "InsufficientLiquidity", "ZeroAmount"]);
    });
  }
});
