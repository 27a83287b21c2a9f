/**
 * The fast model's pool (agents/model/pool-model.ts) against a fresh ConstantProductPool, from empty:
 * swaps into an empty pool, first deposits too small for MINIMUM_LIQUIDITY and the first real one,
 * then seeded random swaps both ways, deposits, withdrawals and fee changes (out-of-range ones
 * included) through a test store. After every step the reserves, fee, total shares and price must be
 * equal to the wei, the return values equal, and the reverts of the same name. Both a 6-decimal and an
 * 18-decimal quote token, since the price's scale depends on it.
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
const STEPS = 150;

async function freshPool(quoteDecimals: number) {
  const { account, ...rest } = await emptyPool(ethers, quoteDecimals);
  return { lp: account, ...rest };
}

const sixDecimalPool = () => freshPool(6);
const eighteenDecimalPool = () => freshPool(18);

describe("fast model pool against the contract, from an empty pool", function () {
  this.timeout(120_000);

  for (const [name, fixture, seed] of [
    ["6-decimal quote", sixDecimalPool, 0x706f6f6c06n],
    ["18-decimal quote", eighteenDecimalPool, 0x706f6f6c12n],
  ] as const) {
    it(`${name}: ${STEPS} random steps from empty leave the same reserves, shares and price, and revert alike`, async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { pool, store, lp, token, quote } = f;
      const interfaces = [pool.interface, token.interface, quote.interface];
      const model = new PoolModel(
        { reserveToken: 0n, reserveQuote: 0n, feeBps: 30, totalLiquidity: 0n },
        f.quoteDecimals,
      );
      const rng = new Random(seed);
      const quoteUnit = 10n ** BigInt(f.quoteDecimals);
      const seen = new Set<string>();
      let firstDepositShares = 0n;

      // The first steps are fixed: a swap into the empty pool, a deposit too small, then a real one.
      const fixed: Draw[] = [
        { kind: "swap", tokenIn: true, amount: 10n ** 18n },
        { kind: "add", token: 1_000n, quote: 1_000n },
        { kind: "add", token: 10n ** 22n, quote: 1_000n * quoteUnit },
      ];

      for (let i = 0; i < STEPS; i++) {
        const s = model.state;
        const lpShares = await pool.balanceOf(lp.address);
        const draw: Draw = i < fixed.length ? fixed[i]! : randomStep(rng, s, lpShares, quoteUnit);
        let chain: () => Promise<bigint[]>;
        let inModel: () => bigint[];
        let label: string;
        if (draw.kind === "swap") {
          const minOut = rng.chance(0.1) ? 10n ** 40n : 0n;
          label = `swap(${draw.tokenIn ? "token" : "quote"}, ${draw.amount}, ${minOut})`;
          chain = async () => {
            const args = [draw.tokenIn ? token : quote, draw.amount, minOut, lp.address, NEVER] as const;
            const out = await pool.connect(lp).swapExactIn.staticCall(...args);
            await (await pool.connect(lp).swapExactIn(...args)).wait();
            return [out];
          };
          inModel = () => [model.swapExactIn(draw.tokenIn, draw.amount, minOut)];
        } else if (draw.kind === "add") {
          label = `addLiquidity(${draw.token}, ${draw.quote})`;
          chain = async () => {
            const args = [draw.token, draw.quote, 0n, 0n, lp.address, NEVER] as const;
            const r = await pool.connect(lp).addLiquidity.staticCall(...args);
            await (await pool.connect(lp).addLiquidity(...args)).wait();
            return [r[0], r[1], r[2]];
          };
          inModel = () => Object.values(model.addLiquidity(draw.token, draw.quote, 0n, 0n));
        } else if (draw.kind === "remove") {
          label = `removeLiquidity(${draw.liquidity})`;
          chain = async () => {
            const args = [draw.liquidity, 0n, 0n, lp.address, NEVER] as const;
            const r = await pool.connect(lp).removeLiquidity.staticCall(...args);
            await (await pool.connect(lp).removeLiquidity(...args)).wait();
            return [r[0], r[1]];
          };
          inModel = () => Object.values(model.removeLiquidity(draw.liquidity, 0n, 0n));
        } else {
          label = `set(pool.feeBps, ${draw.fee})`;
          chain = async () => {
            await (await store.set(FEE_KEY, draw.fee)).wait();
            return [];
          };
          inModel = () => (model.setParameter("pool.feeBps", draw.fee), []);
        }

        const onChain = await chainOutcome(chain, interfaces);
        const byModel = modelOutcome(inModel);
        expect(byModel, `step ${i + 1}: ${label}`).to.deep.equal(onChain);
        if ("error" in onChain) seen.add(onChain.error);
        if (i === 2 && "values" in onChain) firstDepositShares = onChain.values[2]!;

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
      // the first deposit locked MINIMUM_LIQUIDITY: sqrt(1e22 · 1000 units) − 1000 shares to the depositor
      expect(firstDepositShares).to.be.greaterThan(0n);
      expect([...seen]).to.include.members([
        "InsufficientLiquidity",
        "InsufficientLiquidityMinted",
        "InsufficientOutput",
        "FeeOutOfRange",
      ]);
    });
  }
});

type Draw =
  | { kind: "swap"; tokenIn: boolean; amount: bigint }
  | { kind: "add"; token: bigint; quote: bigint }
  | { kind: "remove"; liquidity: bigint }
  | { kind: "fee"; fee: bigint };

function randomStep(
  rng: Random,
  s: { reserveToken: bigint; reserveQuote: bigint },
  lpShares: bigint,
  quoteUnit: bigint,
): Draw {
  const roll = rng.unit();
  if (roll < 0.5) {
    const tokenIn = rng.chance(0.5);
    const reserve = tokenIn ? s.reserveToken : s.reserveQuote;
    return { kind: "swap", tokenIn, amount: rng.chance(0.03) ? 0n : logUniform(rng, reserve * 3n) };
  }
  if (roll < 0.7)
    return {
      kind: "add",
      token: logUniform(rng, s.reserveToken * 2n),
      quote: logUniform(rng, s.reserveQuote * 2n + quoteUnit),
    };
  if (roll < 0.9) return { kind: "remove", liquidity: rng.chance(0.05) ? 0n : logUniform(rng, lpShares) };
  return { kind: "fee", fee: rng.chance(0.15) ? 1_001n : rng.uniform(0n, 1_000n) };
}
