/**
 * The fast model's curve math (agents/model/curve-math.ts) against CurveMath itself (through
 * CurveMathHarness) on seeded random curves over the whole allowed range (test/reference/curve-samples.ts:
 * domains from one wei to MAX_SUPPLY, the steepest curves each domain allows) and at the extremes
 * (empty and full supply, the whole room, one wei, budgets at and past the cap): every price, cost,
 * refund, inverse and validation must be equal to the wei, and a call the library refuses must throw
 * the same error in the model.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { CurveKind as ModelKind } from "../agents/mechanisms/market/state.ts";
import {
  type Curve as ModelCurve,
  costUpWad,
  priceWad,
  refundDownWad,
  tokensForQuoteDown,
  validateCurve,
} from "../agents/mechanisms/market/curve-math.ts";
import { ModelRevert } from "../agents/core/model-revert.ts";
import { revertName } from "./helpers/revert-name.ts";
import type { CurveMathHarness } from "../types/ethers-contracts/index.js";
import { type Curve, CurveKind, MAX_PRICE_WAD, MAX_SUPPLY, WAD } from "./reference/curve-reference.js";
import { randomAmount, randomCurve, randomSupply } from "./reference/curve-samples.js";
import { SeededRandom } from "./reference/seeded-random.js";

const { ethers, networkHelpers } = await network.create();

/** Random curves per kind; each gives one case of every function. */
const CURVES = 120;
const MODEL_KINDS: readonly ModelKind[] = ["linear", "exponential", "sigmoid"];

async function harnessFixture(): Promise<CurveMathHarness> {
  return (await ethers.deployContract("CurveMathHarness")) as unknown as CurveMathHarness;
}

const toModel = (c: Curve): ModelCurve => ({
  kind: MODEL_KINDS[c.kind]!,
  p1: c.p1,
  p2: c.p2,
  p3: c.p3,
  p4: c.p4,
  maxSupply: c.maxSupply,
});

/** A value, or the name of the error it reverted with. */
type Outcome = bigint | string;

async function onChain(call: () => Promise<bigint | void>): Promise<Outcome> {
  try {
    const value = await call();
    return typeof value === "bigint" ? value : "ok";
  } catch (error) {
    return revertName(error);
  }
}

function inModel(call: () => bigint | void): Outcome {
  try {
    return call() ?? "ok";
  } catch (error) {
    if (error instanceof ModelRevert) return error.errorName;
    throw error;
  }
}

interface Case {
  label: string;
  c: Curve;
  chain: (h: CurveMathHarness) => Promise<bigint | void>;
  model: () => bigint | void;
}

function casesFor(c: Curve, supply: bigint, amount: bigint, budget: bigint): Case[] {
  const m = toModel(c);
  return [
    { label: `priceWad(${supply})`, c, chain: (h) => h.priceWad(c, supply), model: () => priceWad(m, supply) },
    {
      label: `costUpWad(${supply}, ${amount})`,
      c,
      chain: (h) => h.costUpWad(c, supply, amount),
      model: () => costUpWad(m, supply, amount),
    },
    {
      label: `refundDownWad(${supply}, ${amount})`,
      c,
      chain: (h) => h.refundDownWad(c, supply, amount),
      model: () => refundDownWad(m, supply, amount),
    },
    {
      label: `tokensForQuoteDown(${supply}, ${budget})`,
      c,
      chain: (h) => h.tokensForQuoteDown(c, supply, budget),
      model: () => tokensForQuoteDown(m, supply, budget),
    },
  ];
}

/** Random curves of `kind` with random supplies, amounts (some past the domain) and budgets. */
function randomCases(kind: CurveKind, seed: bigint): Case[] {
  const random = new SeededRandom(seed);
  const cases: Case[] = [];
  for (let i = 0; i < CURVES; i++) {
    const c = randomCurve(random, kind);
    const supply = randomSupply(random, c.maxSupply);
    const room = c.maxSupply - supply;
    // amounts: inside the room mostly, one past it now and then (CurveDomainExceeded for a buy)
    const amount = random.chance(0.05) ? room + 1n : room === 0n ? 0n : randomAmount(random, room);
    const cap = 2n * (MAX_PRICE_WAD / WAD) * c.maxSupply;
    const budget = random.chance(0.05) ? cap : random.chance(0.05) ? 1n : random.logUniform(1n, cap);
    cases.push(...casesFor(c, supply, amount, budget));
    cases.push(...casesFor(c, supply, supply === 0n ? 0n : randomAmount(random, supply), budget / 1000n + 1n));
  }
  return cases;
}

/** The ends of the domain on the steepest curves of each kind. */
function extremeCases(kind: CurveKind): Case[] {
  const domains = [1n, 10n ** 21n, MAX_SUPPLY];
  const cases: Case[] = [];
  for (const d of domains) {
    const curves: Curve[] =
      kind === CurveKind.Linear
        ? [
            { kind, p1: (MAX_PRICE_WAD * WAD) / d, p2: 0n, p3: 0n, p4: 0n, maxSupply: d },
            { kind, p1: 0n, p2: MAX_PRICE_WAD, p3: 0n, p4: 0n, maxSupply: d },
            { kind, p1: 1n, p2: 0n, p3: 0n, p4: 0n, maxSupply: d },
          ]
        : kind === CurveKind.Exponential
          ? [
              { kind, p1: 1n, p2: (55n * WAD * WAD) / d, p3: 0n, p4: 0n, maxSupply: d },
              { kind, p1: MAX_PRICE_WAD, p2: 1n, p3: 0n, p4: 0n, maxSupply: d },
            ]
          : [
              { kind, p1: MAX_PRICE_WAD, p2: (100n * WAD * WAD) / d, p3: 0n, p4: 0n, maxSupply: d },
              { kind, p1: 1n, p2: (100n * WAD * WAD) / d, p3: d, p4: MAX_PRICE_WAD - 1n, maxSupply: d },
              { kind, p1: MAX_PRICE_WAD / 2n, p2: (200n * WAD * WAD) / d, p3: d / 2n, p4: 1n, maxSupply: d },
            ];
    for (const c of curves) {
      const cap = 2n * (MAX_PRICE_WAD / WAD) * d;
      cases.push(...casesFor(c, 0n, d, cap - 1n));
      cases.push(...casesFor(c, d, d, cap));
      cases.push(...casesFor(c, d / 2n, d - d / 2n, 1n));
      cases.push(...casesFor(c, d / 3n, 1n, cap / 3n));
      cases.push(...casesFor(c, d + 1n, 0n, 1n));
    }
  }
  return cases;
}

/** Valid curves and curves just past each bound: validate must agree on which is which. */
function validationCases(kind: CurveKind, seed: bigint): Case[] {
  const random = new SeededRandom(seed);
  const cases: Case[] = [];
  for (let i = 0; i < CURVES / 2; i++) {
    const c = randomCurve(random, kind);
    const broken: Curve[] = [
      c,
      { ...c, maxSupply: 0n },
      { ...c, maxSupply: MAX_SUPPLY + 1n },
      { ...c, p1: c.p1 * 2n + 1n },
      { ...c, p2: c.p2 * 3n + 1n },
      { ...c, p3: kind === CurveKind.Sigmoid ? c.maxSupply + 1n : 1n },
      { ...c, p4: kind === CurveKind.Sigmoid ? MAX_PRICE_WAD - c.p1 + 1n : 1n },
    ];
    for (const b of broken) {
      const m = toModel(b);
      cases.push({
        label: `validate p=(${b.p1}, ${b.p2}, ${b.p3}, ${b.p4}) D=${b.maxSupply}`,
        c: b,
        chain: (h) => h.validate(b),
        model: () => validateCurve(m),
      });
    }
  }
  return cases;
}

async function expectSame(harness: CurveMathHarness, cases: readonly Case[]): Promise<void> {
  const mismatches: string[] = [];
  for (let i = 0; i < cases.length; i += 150) {
    const batch = cases.slice(i, i + 150);
    const chain = await Promise.all(batch.map((k) => onChain(() => k.chain(harness))));
    batch.forEach((k, j) => {
      const model = inModel(k.model);
      if (model !== chain[j])
        mismatches.push(
          `kind ${k.c.kind} p=(${k.c.p1}, ${k.c.p2}, ${k.c.p3}, ${k.c.p4}) D=${k.c.maxSupply} ${k.label}: chain ${chain[j]}, model ${model}`,
        );
    });
  }
  expect(mismatches, mismatches.slice(0, 5).join("\n")).to.deep.equal([]);
}

describe("model curve math against CurveMath", () => {
  const kinds = [
    ["linear", CurveKind.Linear],
    ["exponential", CurveKind.Exponential],
    ["sigmoid", CurveKind.Sigmoid],
  ] as const;

  for (const [name, kind] of kinds) {
    it(`${name}: price, cost, refund and inverse equal the library's on random curves`, async () => {
      const harness = await networkHelpers.loadFixture(harnessFixture);
      const cases = randomCases(kind, 0x6d6f64656cn + BigInt(kind));
      expect(
        cases.some((k) => typeof inModel(k.model) === "string"),
        "some cases revert",
      ).to.equal(true);
      await expectSame(harness, cases);
    });

    it(`${name}: equal at the ends of the domain on the steepest curves`, async () => {
      const harness = await networkHelpers.loadFixture(harnessFixture);
      await expectSame(harness, extremeCases(kind));
    });

    it(`${name}: validate accepts and refuses the same curves`, async () => {
      const harness = await networkHelpers.loadFixture(harnessFixture);
      const cases = validationCases(kind, 0x76616c6964n + BigInt(kind));
      expect(
        cases.filter((k) => inModel(k.model) === "InvalidCurve").length,
        "some curves are invalid",
      ).to.be.greaterThan(10);
      await expectSame(harness, cases);
    });
  }
});
