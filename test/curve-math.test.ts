/**
 * CurveMath (through CurveMathHarness) against the 60-digit decimal.js reference in
 * test/reference/curve-reference.ts, on seeded random inputs spread log-uniformly over the whole
 * allowed range: the accuracy and rounding direction of every quote, the inverse, and the gas of a quote.
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
  `kind ${c.kind} p=(${c.p1}, ${c.p2}, ${c.p3}, ${c.p4}) supply ${supply} amount ${amount}`;

/** Why `cost` breaks true ≤ cost ≤ true·(1 + 1e-15) + 2, or null. */
function costError(cost: bigint, exact: Dec): string | null {
  const value = dec(cost);
  if (value.lt(exact)) return `cost ${cost} below the exact ${exact.toFixed(6)}`;
  if (value.gt(exact.mul(RELATIVE.plus(1)).plus(ABSOLUTE_WEI))) return `cost ${cost} too far above the exact ${exact.toFixed(6)}`;
  return null;
}

/** Why `refund` breaks true·(1 − 1e-15) − 2 ≤ refund ≤ true, or null. */
function refundError(refund: bigint, exact: Dec): string | null {
  const value = dec(refund);
  if (value.gt(exact)) return `refund ${refund} above the exact ${exact.toFixed(6)}`;
  if (value.lt(exact.mul(new Dec(1).minus(RELATIVE)).minus(ABSOLUTE_WEI))) return `refund ${refund} too far below the exact ${exact.toFixed(6)}`;
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
    const supply = randomSupply(random);
    if (supply === MAX_SUPPLY) continue;
    cases.push({ c, supply, amount: randomAmount(random, MAX_SUPPLY - supply) });
  }
  return cases;
}

function sellCases(random: SeededRandom, kind: CurveKind): Trade[] {
  const cases: Trade[] = [];
  while (cases.length < CASES) {
    const c = randomCurve(random, kind);
    const supply = randomSupply(random);
    if (supply === 0n) continue;
    cases.push({ c, supply, amount: randomAmount(random, supply) });
  }
  return cases;
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
    const supply = randomSupply(random);
    if (supply === MAX_SUPPLY) continue;
    const budget = random.chance(0.85)
      ? BigInt(integral(c, supply, randomAmount(random, MAX_SUPPLY - supply)).ceil().toFixed(0)) + random.uniform(0n, 3n)
      : random.logUniform(1n, 10n ** 34n);
    cases.push({ c, supply, budget });
  }
  const amounts = await inBatches(cases, ({ c, supply, budget }) => harness.tokensForQuoteDown(c, supply, budget));
  const nexts = cases.map(({ supply }, i) => {
    const room = MAX_SUPPLY - supply;
    const epsilon = amounts[i] / INVERSE_SLACK > 1n ? amounts[i] / INVERSE_SLACK : 1n;
    return amounts[i] + epsilon > room ? room : amounts[i] + epsilon;
  });
  const costs = await inBatches(cases, ({ c, supply }, i) => harness.costUpWad(c, supply, amounts[i]));
  const nextCosts = await inBatches(cases, ({ c, supply }, i) => harness.costUpWad(c, supply, nexts[i]));
  return cases.flatMap(({ c, supply, budget }, i) => {
    if (costs[i] > budget) return [`${show(c, supply, amounts[i])}: costs ${costs[i]} > budget ${budget}`];
    if (amounts[i] < MAX_SUPPLY - supply && nextCosts[i] <= budget) {
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
        const cases = Array.from({ length: CASES }, () => ({ c: randomCurve(random, kind), supply: randomSupply(random) }));
        const prices = await inBatches(cases, ({ c, supply }) => harness.priceWad(c, supply));
        const failures = cases.flatMap(({ c, supply }, i) => {
          const exact = price(c, supply);
          const error = dec(prices[i]).minus(exact).abs();
          return error.gt(exact.mul(RELATIVE).plus(1)) ? [`${show(c, supply, 0n)}: price ${prices[i]} vs ${exact.toFixed(3)}`] : [];
        });
        expectNoFailures(failures);
      });
    });
  }

  it("tokensForQuoteDown converges on steep sigmoids whose base price is comparable to their height", async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    const random = new SeededRandom(0x57eecn);
    const steepSigmoid = (): Curve => {
      const p3 = random.logUniform(10n ** 24n, MAX_SUPPLY);
      const reach = p3 > MAX_SUPPLY - p3 ? p3 : MAX_SUPPLY - p3;
      const maxSteepness = (100n * WAD * WAD) / reach;
      const p1 = random.logUniform(10n ** 12n, 10n ** 23n);
      return { kind: CurveKind.Sigmoid, p1, p2: random.logUniform(maxSteepness / 100n, maxSteepness), p3, p4: random.logUniform(p1 / 10n, p1 * 10n) };
    };
    expectNoFailures(await inverseFailures(harness, random, steepSigmoid));
  });

  it("keeps its accuracy at the sigmoid's and the exponential's switch points", async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    const mid = MAX_SUPPLY / 2n;
    const steep: Curve = { kind: CurveKind.Sigmoid, p1: 10n ** 21n, p2: 2n * 10n ** 11n, p3: mid, p4: 0n };
    const growth: Curve = { kind: CurveKind.Exponential, p1: 10n ** 9n, p2: 10n ** 11n, p3: 0n, p4: 0n };
    // k·n = 1/8 (series cutoff of φ), z = σ(y0)·expm1(k·n) = 1/4 at y0 = 0 (k·n = ln 1.5), k·n = 130
    const eighth = 10n ** 36n / 8n / steep.p2;
    const zQuarter = BigInt(new Dec(1.5).ln().mul("1e36").div(steep.p2.toString()).floor().toFixed(0));
    const cases: Trade[] = [];
    for (const d of [-2n, -1n, 0n, 1n, 2n]) {
      cases.push({ c: steep, supply: mid, amount: eighth + d });
      cases.push({ c: steep, supply: 10n ** 20n, amount: eighth + d });
      cases.push({ c: steep, supply: mid, amount: zQuarter + d });
      cases.push({ c: steep, supply: 0n, amount: 130n * 10n ** 36n / steep.p2 + d });
      cases.push({ c: growth, supply: 10n ** 26n, amount: 10n ** 36n / 8n / growth.p2 + d });
    }
    const costs = await inBatches(cases, ({ c, supply, amount }) => harness.costUpWad(c, supply, amount));
    const refunds = await inBatches(cases, ({ c, supply, amount }) => harness.refundDownWad(c, supply + amount, amount));
    const failures = cases.flatMap(({ c, supply, amount }, i) => {
      const exact = integral(c, supply, amount);
      const error = costError(costs[i], exact) ?? refundError(refunds[i], exact);
      return error ? [`${show(c, supply, amount)}: ${error}`] : [];
    });
    expectNoFailures(failures);
  });

  it(`quotes a trade in at most ${QUOTE_GAS_LIMIT} gas on every curve kind`, async () => {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    for (const [name, kind] of KINDS) {
      const cases = buyCases(new SeededRandom(0x9a5n + BigInt(kind)), kind).slice(0, 100);
      const buys = await inBatches(cases, ({ c, supply, amount }) => harness.costUpWadGas(c, supply, amount));
      const sells = await inBatches(cases, ({ c, supply, amount }) => harness.refundDownWadGas(c, supply + amount, amount));
      const worst = [...buys, ...sells].reduce((max, [, gas]) => (gas > max ? gas : max), 0n);
      expect(worst, `${name} quote gas`).to.be.lte(QUOTE_GAS_LIMIT);
    }
  });
});
