/**
 * CurveMath (through CurveMathHarness) against the 60-digit decimal.js reference in
 * test/reference/curve-reference.ts, on seeded random inputs spread log-uniformly over the whole
 * allowed range (domains from one token wei to MAX_SUPPLY, mostly from 1e3 tokens, with the steepest
 * curves each domain allows): the accuracy and rounding direction of every quote, the inverse, the
 * gas of a quote, and two realistic launches that only a per-curve domain makes valid.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { CurveMathHarness } from "../types/ethers-contracts/index.js";
import { type Curve, CurveKind, Dec, MAX_SUPPLY, WAD, dec, integral, price } from "./reference/curve-reference.js";
import { randomAmount, randomCurve, randomSupply } from "./reference/curve-samples.js";
import { SeededRandom } from "./reference/seeded-random.js";

const { ethers, networkHelpers } = await network.create();

/** Random cases per curve kind and function. */
const CASES = 300;
/** The accuracy CurveMath promises: relative 1e-15 plus 2 wei, always in the protocol's favour. */
const RELATIVE = new Dec("1e-15");
const ABSOLUTE_WEI = 2;
/** tokensForQuoteDown is within this fraction of the largest affordable amount (or one wei). */
const INVERSE_SLACK = 10n ** 12n;
/** The most gas one quote (costUpWad or refundDownWad) may take inside the market. */
const QUOTE_GAS_LIMIT = 4_000n;

const KINDS = [
  ["linear", CurveKind.Linear],
  ["exponential", CurveKind.Exponential],
  ["sigmoid", CurveKind.Sigmoid],
] as const;

async function harnessFixture(): Promise<CurveMathHarness> {
  return (await ethers.deployContract("CurveMathHarness")) as unknown as CurveMathHarness;
}

/** Calls `call` on every item, a batch of staticCalls in parallel at a time. */
async function inBatches<T, R>(items: readonly T[], call: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 150) {
    results.push(...(await Promise.all(items.slice(i, i + 150).map((item, j) => call(item, i + j)))));
  }
  return results;
}

const show = (c: Curve, supply: bigint, amount: bigint) =>
  `kind ${c.kind} p=(${c.p1}, ${c.p2}, ${c.p3}, ${c.p4}) maxSupply ${c.maxSupply} supply ${supply} amount ${amount}`;

/** Why `cost` breaks true ≤ cost ≤ true·(1 + 1e-15) + 2, or null. */
function costError(cost: bigint, exact: Dec): string | null {
  const value = dec(cost);
  if (value.lt(exact)) return `cost ${cost} below the exact ${exact.toFixed(6)}`;
  if (value.gt(exact.mul(RELATIVE.plus(1)).plus(ABSOLUTE_WEI)))
    return `cost ${cost} too far above the exact ${exact.toFixed(6)}`;
  return null;
}

/** Why `refund` breaks true·(1 − 1e-15) − 2 ≤ refund ≤ true, or null. */
function refundError(refund: bigint, exact: Dec): string | null {
  const value = dec(refund);
  if (value.gt(exact)) return `refund ${refund} above the exact ${exact.toFixed(6)}`;
  if (value.lt(exact.mul(new Dec(1).minus(RELATIVE)).minus(ABSOLUTE_WEI)))
    return `refund ${refund} too far below the exact ${exact.toFixed(6)}`;
  return null;
}

function expectNoFailures(failures: string[]) {
  expect(failures.length, `${failures.length} failures, first: \n${failures.slice(0, 3).join("\n")}`).to.equal(0);
}

interface Trade {
  c: Curve;
  supply: bigint;
  amount: bigint;
}

function buyCases(random: SeededRandom, kind: CurveKind): Trade[] {
  const cases: Trade[] = [];
  while (cases.length < CASES) {
    const c = randomCurve(random, kind);
    const supply = randomSupply(random, c.maxSupply);
    if (supply === c.maxSupply) continue;
    cases.push({ c, supply, amount: randomAmount(random, c.maxSupply - supply) });
  }
  return cases;
}

function sellCases(random: SeededRandom, kind: CurveKind): Trade[] {
  const cases: Trade[] = [];
  while (cases.length < CASES) {
    const c = randomCurve(random, kind);
    const supply = randomSupply(random, c.maxSupply);
    if (supply === 0n) continue;
    cases.push({ c, supply, amount: randomAmount(random, supply) });
  }
  return cases;
}

/** Checks costUpWad(S, n) and refundDownWad(S + n, n) on every trade against the exact integral. */
async function tradeFailures(harness: CurveMathHarness, cases: readonly Trade[]): Promise<string[]> {
  const costs = await inBatches(cases, ({ c, supply, amount }) => harness.costUpWad(c, supply, amount));
  const refunds = await inBatches(cases, ({ c, supply, amount }) => harness.refundDownWad(c, supply + amount, amount));
  return cases.flatMap(({ c, supply, amount }, i) => {
    const exact = integral(c, supply, amount);
    const error = costError(costs[i], exact) ?? refundError(refunds[i], exact);
    return error ? [`${show(c, supply, amount)}: ${error}`] : [];
  });
}

/** Checks priceWad at every supply against the exact price: within 1e-15 + 1 wei. */
async function priceFailures(
  harness: CurveMathHarness,
  cases: readonly { c: Curve; supply: bigint }[],
): Promise<string[]> {
  const prices = await inBatches(cases, ({ c, supply }) => harness.priceWad(c, supply));
  return cases.flatMap(({ c, supply }, i) => {
    const exact = price(c, supply);
    const error = dec(prices[i]).minus(exact).abs();
    return error.gt(exact.mul(RELATIVE).plus(1))
      ? [`${show(c, supply, 0n)}: price ${prices[i]} vs ${exact.toFixed(3)}`]
      : [];
  });
}

/** The most gas costUpWad and refundDownWad take on these trades. */
async function worstQuoteGas(harness: CurveMathHarness, cases: readonly Trade[]): Promise<bigint> {
  const buys = await inBatches(cases, ({ c, supply, amount }) => harness.costUpWadGas(c, supply, amount));
  const sells = await inBatches(cases, ({ c, supply, amount }) => harness.refundDownWadGas(c, supply + amount, amount));
  return [...buys, ...sells].reduce((max, [, gas]) => (gas > max ? gas : max), 0n);
}

interface Purchase {
  c: Curve;
  supply: bigint;
  budget: bigint;
}

/** Checks tokensForQuoteDown on CASES random budgets: mostly the price of a random amount (so the
 * answer is inside the curve), some wild budgets. Returns what went wrong. */
async function inverseFailures(harness: CurveMathHarness, random: SeededRandom, curve: () => Curve): Promise<string[]> {
  const cases: Purchase[] = [];
  while (cases.length < CASES) {
    const c = curve();
    const supply = randomSupply(random, c.maxSupply);
    if (supply === c.maxSupply) continue;
    const budget = random.chance(0.85)
      ? BigInt(
          integral(c, supply, randomAmount(random, c.maxSupply - supply))
            .ceil()
            .toFixed(0),
        ) + random.uniform(0n, 3n)
      : random.logUniform(1n, 10n ** 34n);
    cases.push({ c, supply, budget });
  }
  const amounts = await inBatches(cases, ({ c, supply, budget }) => harness.tokensForQuoteDown(c, supply, budget));
  const nexts = cases.map(({ c, supply }, i) => {
    const room = c.maxSupply - supply;
    const epsilon = amounts[i] / INVERSE_SLACK > 1n ? amounts[i] / INVERSE_SLACK : 1n;
    return amounts[i] + epsilon > room ? room : amounts[i] + epsilon;
  });
  const costs = await inBatches(cases, ({ c, supply }, i) => harness.costUpWad(c, supply, amounts[i]));
  const nextCosts = await inBatches(cases, ({ c, supply }, i) => harness.costUpWad(c, supply, nexts[i]));
  return cases.flatMap(({ c, supply, budget }, i) => {
    if (costs[i] > budget) return [`${show(c, supply, amounts[i])}: costs ${costs[i]} > budget ${budget}`];
    if (amounts[i] < c.maxSupply - supply && nextCosts[i] <= budget) {
      return [`${show(c, supply, amounts[i])}: ${nexts[i]} also affordable (${nextCosts[i]} <= ${budget})`];
    }
    return [];
  });
}

describe("CurveMath against the 60-digit decimal.js reference", () => {
  for (const [name, kind] of KINDS) {
    describe(`${name} curves`, () => {
      it("costUpWad is never below the exact integral and at most 1e-15 + 2 wei above it", async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const cases = buyCases(new SeededRandom(0xc057n + BigInt(kind)), kind);
        const costs = await inBatches(cases, ({ c, supply, amount }) => harness.costUpWad(c, supply, amount));
        const failures = cases.flatMap(({ c, supply, amount }, i) => {
          const error = costError(costs[i], integral(c, supply, amount));
          return error ? [`${show(c, supply, amount)}: ${error}`] : [];
        });
        expectNoFailures(failures);
      });

      it("refundDownWad is never above the exact integral and at most 1e-15 + 2 wei below it", async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const cases = sellCases(new SeededRandom(0x5e11n + BigInt(kind)), kind);
        const refunds = await inBatches(cases, ({ c, supply, amount }) => harness.refundDownWad(c, supply, amount));
        const failures = cases.flatMap(({ c, supply, amount }, i) => {
          const error = refundError(refunds[i], integral(c, supply - amount, amount));
          return error ? [`${show(c, supply, amount)}: ${error}`] : [];
        });
        expectNoFailures(failures);
      });

      it("tokensForQuoteDown buys within budget, and 1e-12 more would exceed it", async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const random = new SeededRandom(0x1a7en + BigInt(kind));
        expectNoFailures(await inverseFailures(harness, random, () => randomCurve(random, kind)));
      });

      it("priceWad is the exact price to within 1e-15 + 1 wei", async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const random = new SeededRandom(0x9e1cen + BigInt(kind));
        const cases = Array.from({ length: CASES }, () => {
          const c = randomCurve(random, kind);
          return { c, supply: randomSupply(random, c.maxSupply) };
        });
        expectNoFailures(await priceFailures(harness, cases));
      });
    });
  }

  it("tokensForQuoteDown converges on steep sigmoids whose base price is comparable to their height", async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    const random = new SeededRandom(0x57eecn);
    const steepSigmoid = (): Curve => {
      const maxSupply = random.chance(0.2) ? MAX_SUPPLY : random.logUniform(10n ** 21n, MAX_SUPPLY);
      const p3 = random.logUniform(maxSupply / 1000n, maxSupply);
      const reach = p3 > maxSupply - p3 ? p3 : maxSupply - p3;
      const maxSteepness = (100n * WAD * WAD) / reach;
      const p1 = random.logUniform(10n ** 12n, 10n ** 23n);
      const p2 = random.logUniform(maxSteepness / 100n, maxSteepness);
      return { kind: CurveKind.Sigmoid, p1, p2, p3, p4: random.logUniform(p1 / 10n, p1 * 10n), maxSupply };
    };
    expectNoFailures(await inverseFailures(harness, random, steepSigmoid));
  });

  it("keeps its accuracy at the sigmoid's and the exponential's switch points, on large and small domains", async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    const cases: Trade[] = [];
    // the same shapes on a billion, a million and a thousand tokens: steepness scales inversely with the domain
    for (const domain of [MAX_SUPPLY, 10n ** 24n, 10n ** 21n]) {
      const scale = MAX_SUPPLY / domain;
      const mid = domain / 2n;
      const steep: Curve = {
        kind: CurveKind.Sigmoid,
        p1: 10n ** 21n,
        p2: 2n * 10n ** 11n * scale,
        p3: mid,
        p4: 0n,
        maxSupply: domain,
      };
      const growth: Curve = {
        kind: CurveKind.Exponential,
        p1: 10n ** 9n,
        p2: 10n ** 10n * scale,
        p3: 0n,
        p4: 0n,
        maxSupply: domain,
      };
      // both at the edge of the range on their domain (|k·(S − S0)| = 100, k·D = 10), so inside it
      await harness.validate(steep);
      await harness.validate(growth);
      // k·n = 1/8 (series cutoff of φ), z = σ(y0)·expm1(k·n) = 1/4 at y0 = 0 (k·n = ln 1.5), k·n = 130
      const eighth = 10n ** 36n / 8n / steep.p2;
      const zQuarter = BigInt(new Dec(1.5).ln().mul("1e36").div(steep.p2.toString()).floor().toFixed(0));
      for (const d of [-2n, -1n, 0n, 1n, 2n]) {
        cases.push({ c: steep, supply: mid, amount: eighth + d });
        cases.push({ c: steep, supply: domain / 10n ** 7n, amount: eighth + d });
        cases.push({ c: steep, supply: mid, amount: zQuarter + d });
        cases.push({ c: steep, supply: 0n, amount: (130n * 10n ** 36n) / steep.p2 + d });
        cases.push({ c: growth, supply: domain / 10n, amount: 10n ** 36n / 8n / growth.p2 + d });
      }
    }
    expectNoFailures(await tradeFailures(harness, cases));
  });

  it(`quotes a trade in at most ${QUOTE_GAS_LIMIT} gas on every curve kind`, async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    for (const [name, kind] of KINDS) {
      const cases = buyCases(new SeededRandom(0x9a5n + BigInt(kind)), kind).slice(0, 100);
      expect(await worstQuoteGas(harness, cases), `${name} quote gas`).to.be.lte(QUOTE_GAS_LIMIT);
    }
  });

  describe("realistic launches, valid only on their own domain", () => {
    /** Ten million tokens. */
    const LAUNCH_SUPPLY = 10n ** 25n;
    /** 1 quote high, midpoint one million tokens, k = 1e-5 per token, base 0.001 quote. */
    const sigmoidLaunch = (maxSupply: bigint): Curve => ({
      kind: CurveKind.Sigmoid,
      p1: WAD,
      p2: 10n ** 13n,
      p3: 10n ** 24n,
      p4: 10n ** 15n,
      maxSupply,
    });
    /** 0.01 quote, e-folding every million tokens. */
    const exponentialLaunch = (maxSupply: bigint): Curve => ({
      kind: CurveKind.Exponential,
      p1: 10n ** 16n,
      p2: 10n ** 12n,
      p3: 0n,
      p4: 0n,
      maxSupply,
    });
    const LAUNCHES = [
      ["sigmoid", sigmoidLaunch],
      ["exponential", exponentialLaunch],
    ] as const;

    /** Trades over the launch domain: supplies log-uniform or uniform (the midpoint region matters). */
    function launchTrades(random: SeededRandom, c: Curve, count: number): Trade[] {
      return Array.from({ length: count }, () => {
        const supply = random.chance(0.5)
          ? random.uniform(0n, c.maxSupply - 1n)
          : randomSupply(random, c.maxSupply - 1n);
        return { c, supply, amount: randomAmount(random, c.maxSupply - supply) };
      });
    }

    for (const [name, launch] of LAUNCHES) {
      it(`validate accepts the ${name} launch on ten million tokens and rejects it on a billion`, async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        await harness.validate(launch(LAUNCH_SUPPLY));
        const global = launch(MAX_SUPPLY);
        await expect(harness.validate(global))
          .to.be.revertedWithCustomError(harness, "InvalidCurve")
          .withArgs(global.kind, global.p1, global.p2, global.p3, global.p4, global.maxSupply);
      });

      it(`prices, costs, refunds and inverts the ${name} launch to the reference accuracy, in ${QUOTE_GAS_LIMIT} gas`, async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const c = launch(LAUNCH_SUPPLY);
        const random = new SeededRandom(0x1a0c4n + BigInt(c.kind));
        const trades = launchTrades(random, c, 200);
        expectNoFailures(await tradeFailures(harness, trades));
        expectNoFailures(
          await priceFailures(
            harness,
            [0n, 10n ** 24n, LAUNCH_SUPPLY, ...trades.map((t) => t.supply)].map((supply) => ({ c, supply })),
          ),
        );
        expectNoFailures(await inverseFailures(harness, random, () => c));
        expect(await worstQuoteGas(harness, trades), `${name} launch quote gas`).to.be.lte(QUOTE_GAS_LIMIT);
      });

      it(`refuses the ${name} launch beyond its domain`, async () => {
        const harness = await networkHelpers.loadFixture(harnessFixture);
        const c = launch(LAUNCH_SUPPLY);
        await expect(harness.costUpWad(c, LAUNCH_SUPPLY - 5n, 6n))
          .to.be.revertedWithCustomError(harness, "CurveDomainExceeded")
          .withArgs(LAUNCH_SUPPLY - 5n, 6n);
        await expect(harness.priceWad(c, LAUNCH_SUPPLY + 1n))
          .to.be.revertedWithCustomError(harness, "CurveDomainExceeded")
          .withArgs(LAUNCH_SUPPLY + 1n, 0n);
        expect(await harness.tokensForQuoteDown(c, LAUNCH_SUPPLY - 7n, 10n ** 30n)).to.equal(7n);
      });
    }
  });
});
