import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { findRevertData } from "../agents/deploy/errors.ts";
import {
  checkCurveBox,
  largestGrowthRate,
  largestSlope,
  largestSteepness,
} from "../agents/mechanisms/market/curve-limits.ts";
import { expWad } from "../agents/core/solady-math.ts";
import { loadGenesis, parseGenesis } from "../agents/inputs/genesis.ts";
import { marketParameterKeys } from "../agents/mechanisms/market/genesis.ts";

/** The store keys a genesis on this curve kind defines: the market's, then the pool's fee. */
const parameterKeys = (kind: "linear" | "exponential" | "sigmoid") => [...marketParameterKeys(kind), "pool.feeBps"];
import { type CurveKind } from "../agents/mechanisms/market/state.ts";
import { CURVE_KIND_IDS } from "../agents/mechanisms/market/state.ts";
import { GenesisError, type DocumentIssue } from "../agents/core/document-reader.ts";
import * as contractLimits from "../agents/core/limits.ts";
import { BPS, formatDecimal, parseDecimal, parseDuration, WAD } from "../agents/core/units.ts";
import type { CurveMathHarness } from "../types/ethers-contracts/index.js";
import { SeededRandom } from "./reference/seeded-random.js";

const { ethers, networkHelpers } = await network.create();
const limits: Record<string, unknown> = { ...contractLimits, WAD, BPS };
const { MAX_PRICE_WAD, MAX_SUPPLY } = contractLimits;

const DAY = 86_400;

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** The default genesis with one change applied; the change may add, replace or delete fields. */
function mutated(change: (g: Record<string, any>) => void, base = "genesis/default.json"): Record<string, any> {
  const g = readJson(base);
  change(g);
  return g;
}

function issuesOf(input: unknown, source = "genesis/test.json"): DocumentIssue[] {
  try {
    parseGenesis(input, source);
  } catch (error) {
    expect(error).to.be.instanceOf(GenesisError);
    return (error as GenesisError).issues;
  }
  expect.fail("parseGenesis accepted a bad genesis");
}

/** Issues only at `path` (one field, one or more reasons), the first of them mentioning `expected`. */
function expectIssue(input: unknown, path: string, expected: string, got?: string): DocumentIssue {
  const issues = issuesOf(input);
  expect(
    issues.map((i) => i.path),
    JSON.stringify(issues, null, 1),
  ).to.deep.equal(issues.map(() => path));
  expect(issues[0].expected).to.contain(expected);
  if (got !== undefined) expect(issues[0].got).to.equal(got);
  return issues[0];
}

describe("genesis files", function () {
  describe("a good file", function () {
    it("parses genesis/default.json to exact integers in the contracts' units", async function () {
      const g = await loadGenesis("genesis/default.json");
      expect(g.token).to.deep.equal({ name: "Arena", symbol: "ARENA" });
      expect(g.quote).to.deep.equal({ deploy: true });
      expect(g.curve).to.deep.equal({ kind: "linear", slopeWad: 1_000_000_000n, basePriceWad: 10n ** 16n });
      expect(g.fees).to.deep.equal({ buyBps: 100, sellBps: 100, treasuryShareBps: 5000 });
      expect(g.reserve).to.equal(24_500n * 10n ** 6n);
      expect(g.maxSupply).to.equal(500_000_000n * 10n ** 18n);
      expect(g.allocations).to.deep.equal([
        { to: { kind: "treasury" }, amount: 1_000_000n * 10n ** 18n, delegate: false },
        { to: { kind: "deployer" }, amount: 50_000n * 10n ** 18n, delegate: true },
        { to: { kind: "account", index: 1 }, amount: 150_000n * 10n ** 18n, delegate: true },
        { to: { kind: "account", index: 2 }, amount: 100_000n * 10n ** 18n, delegate: true },
      ]);
      expect(g.vesting[0]).to.deep.equal({
        beneficiary: { kind: "account", index: 3 },
        amount: 400_000n * 10n ** 18n,
        start: { kind: "relative", seconds: 0 },
        cliffSeconds: 90 * DAY,
        durationSeconds: 365 * DAY,
      });
      expect(g.vesting[2].start).to.deep.equal({ kind: "relative", seconds: 30 * DAY });
      expect(g.pool).to.deep.equal({ feeBps: 30, seed: { tokens: 100_000n * 10n ** 18n, quote: 1_220n * 10n ** 6n } });
      expect(g.governance).to.deep.equal({
        votingDelayBlocks: 1,
        votingPeriodBlocks: 50,
        proposalThreshold: 10_000n * 10n ** 18n,
        quorumPercent: 4,
        timelockDelaySeconds: 3600,
        guardian: { kind: "deployer" },
      });
      expect(g.parameters.map((p) => p.key)).to.deep.equal(parameterKeys("linear"));
      expect(g.parameters[0]).to.deep.equal({
        key: "curve.slope",
        value: 1_000_000_000n,
        min: 500_000_000n,
        max: 2_000_000_000n,
        maxStepBps: 2000,
        minIntervalSeconds: DAY,
        consumer: "market",
        decimals: 18,
      });
      expect(g.parameters.at(-1)).to.deep.equal({
        key: "pool.feeBps",
        value: 30n,
        min: 5n,
        max: 100n,
        maxStepBps: 5000,
        minIntervalSeconds: DAY,
        consumer: "pool",
        decimals: 0,
      });
    });

    it("parses the exponential and sigmoid launches, steep curves on their own maxSupply", async function () {
      const exponential = await loadGenesis("genesis/exponential.json");
      // 0.01 quote, e-folding every million tokens: valid on ten million tokens, not on a billion
      expect(exponential.curve).to.deep.equal({
        kind: "exponential",
        initialPriceWad: 10n ** 16n,
        growthRateWad: 10n ** 12n,
      });
      expect(exponential.maxSupply).to.equal(10_000_000n * 10n ** 18n);
      expect(exponential.reserve).to.equal(2_500n * 10n ** 6n);
      expect(exponential.parameters.map((p) => p.key)).to.deep.equal(parameterKeys("exponential"));
      expect(exponential.governance.timelockDelaySeconds).to.equal(7200);
      expect(exponential.governance.guardian).to.deep.equal({ kind: "account", index: 1 });

      const sigmoid = await loadGenesis("genesis/sigmoid.json");
      expect(sigmoid.curve).to.deep.equal({
        kind: "sigmoid",
        maxPriceWad: 2n * 10n ** 18n,
        steepnessWad: 10n ** 13n,
        midpoint: 1_000_000n * 10n ** 18n,
        basePriceWad: 10n ** 15n,
      });
      expect(sigmoid.maxSupply).to.equal(8_000_000n * 10n ** 18n);
      expect(sigmoid.parameters.map((p) => p.key)).to.deep.equal(parameterKeys("sigmoid"));
    });

    it("defaults maxSupply to MAX_SUPPLY", function () {
      const g = parseGenesis(
        mutated((g) => delete g.maxSupply),
        "x.json",
      );
      expect(g.maxSupply).to.equal(10n ** 27n);
    });

    it("lets every ready-made file's parameters move at least 20% each way within bounds that stay valid", async function () {
      for (const file of ["genesis/default.json", "genesis/exponential.json", "genesis/sigmoid.json"]) {
        const g = await loadGenesis(file);
        for (const p of g.parameters.filter((p) => p.key.startsWith("curve."))) {
          expect(p.maxStepBps, `${file} ${p.key}`).to.be.gte(2000);
          expect(p.min * 10n, `${file} ${p.key} min`).to.be.lte(p.value * 8n);
          expect(p.max * 10n, `${file} ${p.key} max`).to.be.gte(p.value * 12n);
        }
      }
    });

    it("accepts an existing quote token, absolute vesting starts and no pool seed", function () {
      const g = parseGenesis(
        mutated((g) => {
          g.quote = { address: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
          g.vesting[0].start = 1767225600;
          delete g.pool.seed;
        }),
        "x.json",
      );
      expect(g.quote).to.deep.equal({ deploy: false, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
      expect(g.vesting[0].start).to.deep.equal({ kind: "absolute", timestamp: 1767225600 });
      expect(g.pool.seed).to.equal(undefined);
    });
  });

  describe("bad fields", function () {
    it("names the file, the path, what was expected and what it got", function () {
      try {
        parseGenesis(
          mutated((g) => (g.curve.slope = -3)),
          "genesis/default.json",
        );
        expect.fail("accepted a negative slope");
      } catch (error) {
        expect((error as Error).message).to.equal(
          'genesis/default.json: curve.slope: expected a non-negative decimal string of quote per token per token (like "0.000001"), got -3',
        );
      }
    });

    it("collects every problem into one error", function () {
      const issues = issuesOf(
        mutated((g) => {
          g.fees.buyBps = 2000;
          g.reserve = 5;
          g.governance.quorumPercent = 101;
        }),
      );
      expect(issues.map((i) => i.path)).to.deep.equal(["fees.buyBps", "reserve", "governance.quorumPercent"]);
    });

    it("rejects unknown fields with the list of allowed names", function () {
      const top = expectIssue(
        mutated((g) => (g.curv = {})),
        "curv",
        "token, quote, curve, fees, reserve",
        "an unknown field",
      );
      expect(top.expected).to.contain("parameters");
      expectIssue(
        mutated((g) => (g.fees.buyBsp = 100)),
        "fees.buyBsp",
        "buyBps, sellBps, treasuryShareBps",
      );
      expectIssue(
        mutated((g) => (g.curve.growthRate = "0.1")),
        "curve.growthRate",
        "kind, slope, basePrice",
      );
      expectIssue(
        mutated((g) => (g.vesting[1].cliffs = "1d")),
        "vesting[1].cliffs",
        "beneficiary, amount, start, cliff, duration",
      );
      expectIssue(
        mutated((g) => (g.parameters["market.buyFeeBps"].step = 1)),
        'parameters["market.buyFeeBps"].step',
        "min, max, maxStepBps, minIntervalSeconds",
      );
    });

    it("requires every field and names the missing one", function () {
      expectIssue(
        mutated((g) => delete g.reserve),
        "reserve",
        "required",
        "nothing",
      );
      expectIssue(
        mutated((g) => delete g.governance.guardian),
        "governance.guardian",
        "required",
        "nothing",
      );
      expectIssue(
        mutated((g) => delete g.token.symbol),
        "token.symbol",
        "required",
        "nothing",
      );
    });

    it("rejects a non-object document", function () {
      expectIssue([], "(top level)", "an object", "an array");
    });

    it("rejects unknown curve kinds and fields of another curve kind", function () {
      expectIssue(
        mutated((g) => (g.curve.kind = "quadratic")),
        "curve.kind",
        '"linear", "exponential", "sigmoid"',
        '"quadratic"',
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.growthRate"] = g.parameters["curve.slope"])),
        'parameters["curve.growthRate"]',
        "curve.slope, curve.basePrice, market.buyFeeBps",
      );
    });

    it("checks decimal strings: no numbers, no signs, no more decimals than the unit holds", function () {
      expectIssue(
        mutated((g) => (g.curve.basePrice = 0.01)),
        "curve.basePrice",
        "decimal string of quote per token",
        "0.01",
      );
      expectIssue(
        mutated((g) => (g.allocations[0].amount = "-5")),
        "allocations[0].amount",
        "whole tokens",
        '"-5"',
      );
      expectIssue(
        mutated((g) => (g.allocations[0].amount = "1e6")),
        "allocations[0].amount",
        "whole tokens",
        '"1e6"',
      );
      expectIssue(
        mutated((g) => (g.reserve = "1.0000001")),
        "reserve",
        "at most 6 decimal places",
        '"1.0000001"',
      );
      expectIssue(
        mutated((g) => (g.allocations[0].amount = "0")),
        "allocations[0].amount",
        "greater than 0",
        '"0"',
      );
    });

    it("caps prices at 1e6 quote per token and fees at MAX_FEE_BPS", function () {
      expectIssue(
        mutated((g) => (g.curve.basePrice = "1000000.000000000000000001")),
        "curve.basePrice",
        "at most 1000000",
      );
      expectIssue(
        mutated((g) => (g.fees.sellBps = 1001)),
        "fees.sellBps",
        "from 0 to 1000",
        "1001",
      );
      expectIssue(
        mutated((g) => (g.fees.buyBps = 12.5)),
        "fees.buyBps",
        "integer number of bps",
        "12.5",
      );
      expectIssue(
        mutated((g) => (g.fees.treasuryShareBps = 10_001)),
        "fees.treasuryShareBps",
        "from 0 to 10000",
      );
      expectIssue(
        mutated((g) => (g.pool.feeBps = "30")),
        "pool.feeBps",
        "from 0 to 1000",
        '"30"',
      );
    });

    it("checks each curve on its own domain: valid on a small maxSupply, refused on the default, naming the maxSupply and the fix", function () {
      const exponential = issuesOf(mutated((g) => delete g.maxSupply, "genesis/exponential.json"));
      expect(exponential.map((i) => i.path)).to.deep.equal(["curve.growthRate", 'parameters["curve.growthRate"].max']);
      expect(exponential[0]).to.deep.equal({
        path: "curve.growthRate",
        expected:
          'a growth rate of at most 0.0000001 per token on the default maxSupply of 1000000000 tokens (MAX_SUPPLY, as the genesis sets no "maxSupply") (growthRate·maxSupply must stay ≤ 100)',
        got: "0.000001",
        fix: "lower the growth rate, or set maxSupply to at most 18420680 tokens",
      });
      // the bounds' corner (initialPrice 0.02, growthRate 0.0000015) fits on less
      expect(exponential[1].fix).to.equal("lower the growth rate, or set maxSupply to at most 11818355 tokens");

      const sigmoid = issuesOf(mutated((g) => delete g.maxSupply, "genesis/sigmoid.json"));
      expect(sigmoid.map((i) => i.path)).to.deep.equal(["curve.steepness", 'parameters["curve.steepness"].max']);
      expect(sigmoid[0].expected).to.equal(
        'a steepness of at most 0.0000001001001001 per token for a midpoint of 1000000 tokens on the default maxSupply of 1000000000 tokens (MAX_SUPPLY, as the genesis sets no "maxSupply") (|steepness·(supply − midpoint)| must stay ≤ 100 on [0, maxSupply])',
      );
      expect(sigmoid[0].fix).to.equal("lower the steepness, or set maxSupply to at most 11000000 tokens");

      try {
        parseGenesis(
          mutated((g) => delete g.maxSupply, "genesis/sigmoid.json"),
          "genesis/sigmoid.json",
        );
        expect.fail("accepted a steep sigmoid on a billion tokens");
      } catch (error) {
        expect((error as Error).message).to.contain(
          "genesis/sigmoid.json: curve.steepness: expected a steepness of at most 0.0000001001001001 per token for a midpoint of 1000000 tokens on the default maxSupply",
        );
        expect((error as Error).message).to.contain(
          "got 0.00001; lower the steepness, or set maxSupply to at most 11000000 tokens\n",
        );
      }
    });

    it("keeps exponents within 100 on [0, maxSupply]", function () {
      const steep = mutated((g) => {
        g.curve.growthRate = g.parameters["curve.growthRate"].max = "0.00002";
        g.parameters["curve.initialPrice"].max = "0.01";
        g.reserve = "1000000"; // the steeper curve costs more to mint the genesis supply on
      }, "genesis/exponential.json");
      const issues = issuesOf(steep);
      expect(issues[0]).to.deep.include({
        path: "curve.growthRate",
        expected:
          "a growth rate of at most 0.00001 per token on maxSupply 10000000 tokens (growthRate·maxSupply must stay ≤ 100)",
        got: "0.00002",
        // on 921034 tokens its price (0.01·e^(0.00002·921034) ≤ 1e6) fits as well as its exponent
        fix: "lower the growth rate, or set maxSupply to at most 921034 tokens",
      });
      expect(issues.map((i) => i.path)).to.deep.equal(["curve.growthRate", 'parameters["curve.growthRate"].max']);
      expect(parseGenesis({ ...steep, maxSupply: "921034" }, "x.json").maxSupply).to.equal(921_034n * 10n ** 18n);
      const price = issuesOf({ ...steep, maxSupply: "921035" });
      expect(price.map((i) => i.path)).to.deep.equal(["curve.growthRate", 'parameters["curve.growthRate"].max']);
      expect(price[0].expected).to.contain("initialPrice·e^(growthRate·maxSupply) must stay ≤ 1000000");

      expectIssue(
        mutated((g) => (g.parameters["curve.steepness"].max = "0.000014"), "genesis/sigmoid.json"),
        'parameters["curve.steepness"].max',
        "a steepness of at most 0.000013888888888888 per token for a midpoint of 800000 tokens on maxSupply 8000000 tokens",
      );
      // the brief's ten million tokens leave the steepness no room above +8.7%
      const wide = expectIssue(
        mutated((g) => (g.maxSupply = "10000000"), "genesis/sigmoid.json"),
        'parameters["curve.steepness"].max',
        "at most 0.000010869565217391 per token",
      );
      expect(wide.fix).to.equal("lower the steepness, or set maxSupply to at most 9133333 tokens");
      // when the stretch below the midpoint is the long one, a smaller maxSupply does not help
      const low = issuesOf(
        mutated((g) => {
          g.curve.midpoint = g.parameters["curve.midpoint"].min = g.parameters["curve.midpoint"].max = "7000000";
          g.curve.steepness = g.parameters["curve.steepness"].max = "0.00002";
        }, "genesis/sigmoid.json"),
      );
      expect(low.map((i) => i.path)).to.deep.equal(["curve.steepness", 'parameters["curve.steepness"].max']);
      expect(low[0].expected).to.contain(
        "a steepness of at most 0.000014285714285714 per token for a midpoint of 7000000 tokens on maxSupply 8000000 tokens",
      );
      expect(low.map((i) => i.fix)).to.deep.equal([
        "lower the steepness or the midpoint",
        "lower the steepness or the midpoint",
      ]);

      const beyond = issuesOf(
        mutated((g) => (g.curve.midpoint = g.parameters["curve.midpoint"].max = "8000001"), "genesis/sigmoid.json"),
      );
      expect(beyond.map((i) => i.path)).to.deep.equal(["curve.midpoint", 'parameters["curve.midpoint"].max']);
      expect(beyond[0]).to.deep.equal({
        path: "curve.midpoint",
        expected: "a midpoint within the curve's domain, maxSupply 8000000 tokens",
        got: "8000001 tokens",
        fix: "lower the midpoint or raise maxSupply",
      });
      expectIssue(
        mutated((g) => (g.parameters["curve.midpoint"].max = "8000001"), "genesis/sigmoid.json"),
        'parameters["curve.midpoint"].max',
        "a midpoint within the curve's domain",
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.steepness"].min = "0"), "genesis/sigmoid.json"),
        'parameters["curve.steepness"].min',
        "positive steepness",
        "0",
      );
      expectIssue(
        mutated((g) => (g.curve.initialPrice = "0"), "genesis/exponential.json"),
        "curve.initialPrice",
        "positive price",
      );
    });

    it("keeps every price the curve reaches on [0, maxSupply] within 1e6 quote per token, to the wei", function () {
      // 0.01·e^(k·1e7) ≤ 1e6 ⟺ k ≤ ln(1e8)/1e7 = 0.000001842068074395…, judged on the contract's own expWad
      const exponential = (rate: string) =>
        mutated((g) => {
          g.curve.growthRate = g.parameters["curve.growthRate"].max = rate;
          g.parameters["curve.initialPrice"].max = "0.01";
          g.reserve = "1000000"; // the steeper curve costs more to mint the genesis supply on
        }, "genesis/exponential.json");
      expect(parseGenesis(exponential("0.000001842068074395"), "x.json").curve).to.deep.include({
        growthRateWad: 1_842_068_074_395n,
      });
      const over = issuesOf(exponential("0.000001842068074396"));
      expect(over.map((i) => i.path)).to.deep.equal(["curve.growthRate", 'parameters["curve.growthRate"].max']);
      expect(over[0]).to.deep.equal({
        path: "curve.growthRate",
        expected:
          "a growth rate of at most 0.000001842068074395 per token with initialPrice 0.01 on maxSupply 10000000 tokens (initialPrice·e^(growthRate·maxSupply) must stay ≤ 1000000)",
        got: "0.000001842068074396",
        fix: "lower the growth rate or the initialPrice, or set maxSupply to at most 9999999 tokens",
      });
      expectIssue(
        mutated((g) => (g.parameters["curve.initialPrice"].max = "0.5"), "genesis/exponential.json"),
        'parameters["curve.growthRate"].max',
        "a growth rate of at most 0.000001450865773852 per token with initialPrice 0.5 on maxSupply 10000000 tokens",
      );

      // linear: slope·maxSupply ≤ 1e6 − basePrice; the default file's 500M tokens allow a slope up to 0.00199999998
      const linear = (slope: string) =>
        mutated((g) => {
          g.curve.slope = g.parameters["curve.slope"].max = slope;
          g.parameters["curve.basePrice"].max = "0.01";
          g.reserve = "10000000000"; // the steeper curve costs more to mint the genesis supply on
        });
      expect(parseGenesis(linear("0.00199999998"), "x.json").curve).to.deep.include({
        slopeWad: 1_999_999_980_000_000n,
      });
      expect(issuesOf(linear("0.001999999980000001"))[0]).to.deep.equal({
        path: "curve.slope",
        expected:
          "a slope of at most 0.00199999998 with basePrice 0.01 on maxSupply 500000000 tokens (the price at maxSupply must stay ≤ 1000000)",
        got: "0.001999999980000001",
        fix: "lower the slope, or set maxSupply to at most 499999999 tokens",
      });
      const slope = expectIssue(
        mutated((g) => {
          delete g.maxSupply;
          g.parameters["curve.slope"].max = "0.001";
        }),
        'parameters["curve.slope"].max',
        'a slope of at most 0.00099999998 with basePrice 0.02 on the default maxSupply of 1000000000 tokens (MAX_SUPPLY, as the genesis sets no "maxSupply")',
      );
      expect(slope.fix).to.equal("lower the slope, or set maxSupply to at most 999999980 tokens");
      expectIssue(
        mutated((g) => (g.parameters["curve.growthRate"].min = "0"), "genesis/exponential.json"),
        'parameters["curve.growthRate"].min',
        "positive growth rate",
        "0",
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.maxPrice"].max = "999999.999"), "genesis/sigmoid.json"),
        'parameters["curve.maxPrice"].max',
        "maxPrice + basePrice at most 1000000",
        "1000000.001",
      );
    });

    it("checks account references and addresses", function () {
      expectIssue(
        mutated((g) => (g.allocations[1].to = "account:x")),
        "allocations[1].to",
        '"account:N"',
        '"account:x"',
      );
      expectIssue(
        mutated((g) => (g.allocations[1].to = "0x5FbDB2315678afecb367f032d93F642f64180aA3")),
        "allocations[1].to",
        "valid checksum",
      );
      expectIssue(
        mutated((g) => (g.allocations[1].to = "0x0000000000000000000000000000000000000000")),
        "allocations[1].to",
        "non-zero address",
      );
      expectIssue(
        mutated((g) => (g.governance.guardian = "treasury")),
        "governance.guardian",
        '"deployer", "account:N"',
        '"treasury"',
      );
      expectIssue(
        mutated((g) => (g.quote = { address: "0x1234" })),
        "quote.address",
        "valid checksum",
      );
      expectIssue(
        mutated((g) => (g.quote = { deploy: false })),
        "quote.deploy",
        "true",
      );
    });

    it("only self-delegates accounts the deployment holds keys for", function () {
      expectIssue(
        mutated((g) => (g.allocations[0].delegate = true)),
        "allocations[0].delegate",
        '"deployer" and "account:N"',
        "true",
      );
      expectIssue(
        mutated((g) => (g.allocations[1].delegate = "yes")),
        "allocations[1].delegate",
        "true or false",
        '"yes"',
      );
    });

    it("checks vesting durations, cliffs and starts", function () {
      expectIssue(
        mutated((g) => (g.vesting[0].cliff = "90x")),
        "vesting[0].cliff",
        '"30s" / "15m" / "12h" / "90d" / "52w"',
        '"90x"',
      );
      expectIssue(
        mutated((g) => (g.vesting[0].cliff = "400d")),
        "vesting[0].cliff",
        "no longer than the duration (31536000 seconds)",
        "34560000 seconds",
      );
      expectIssue(
        mutated((g) => (g.vesting[0].duration = "0s")),
        "vesting[0].duration",
        "positive duration",
      );
      expectIssue(
        mutated((g) => (g.vesting[0].start = "tomorrow")),
        "vesting[0].start",
        "unix timestamp",
        '"tomorrow"',
      );
      expectIssue(
        mutated((g) => (g.vesting[0].start = -1)),
        "vesting[0].start",
        "unix timestamp",
        "-1",
      );
      expectIssue(
        mutated((g) => (g.vesting = {})),
        "vesting",
        "an array",
        "an object",
      );
    });

    it("checks the pool seed can mint more LP shares than are locked", function () {
      expectIssue(
        mutated((g) => (g.pool.seed = { tokens: "0.000000000000001", quote: "0.000001" })),
        "pool.seed",
        "exceed the 1000 locked",
      );
      expectIssue(
        mutated((g) => (g.pool.seed.quote = "0")),
        "pool.seed.quote",
        "greater than 0",
        '"0"',
      );
    });

    it("checks governance settings", function () {
      expectIssue(
        mutated((g) => (g.governance.votingPeriodBlocks = 0)),
        "governance.votingPeriodBlocks",
        "at least 1",
        "0",
      );
      expectIssue(
        mutated((g) => (g.governance.quorumPercent = 101)),
        "governance.quorumPercent",
        "from 0 to 100",
        "101",
      );
      expectIssue(
        mutated((g) => (g.governance.timelockDelaySeconds = "1 hour")),
        "governance.timelockDelaySeconds",
        "duration",
        '"1 hour"',
      );
      expectIssue(
        mutated((g) => (g.governance.proposalThreshold = 10)),
        "governance.proposalThreshold",
        "votes needed to propose",
        "10",
      );
    });

    it("requires bounds for every parameter, containing its genesis value", function () {
      expectIssue(
        mutated((g) => delete g.parameters["pool.feeBps"]),
        'parameters["pool.feeBps"]',
        "every parameter needs them",
        "nothing",
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.slope"].min = "0.000000002")),
        "curve.slope",
        'within the bounds of parameters["curve.slope"] ["0.000000002", "0.000000002"]',
        '"0.000000001"',
      );
      expectIssue(
        mutated((g) => (g.parameters["market.buyFeeBps"].max = 50)),
        "fees.buyBps",
        'parameters["market.buyFeeBps"] [0, 50]',
        "100",
      );
      expectIssue(
        mutated((g) => (g.parameters["pool.feeBps"].min = 200)),
        'parameters["pool.feeBps"]',
        "min ≤ max",
        "min 200, max 100",
      );
      expectIssue(
        mutated((g) => (g.parameters["pool.feeBps"].max = 1001)),
        'parameters["pool.feeBps"].max',
        "from 0 to 1000",
        "1001",
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.slope"].maxStepBps = 70_000)),
        'parameters["curve.slope"].maxStepBps',
        "0 (frozen) to 65535",
      );
      expectIssue(
        mutated((g) => (g.parameters["curve.slope"].minIntervalSeconds = "1y")),
        'parameters["curve.slope"].minIntervalSeconds',
        "duration",
      );
    });

    it("caps everything minted at genesis at the market's maxSupply, itself at most MAX_SUPPLY", function () {
      expectIssue(
        mutated((g) => (g.allocations[0].amount = "999999999")),
        "allocations",
        "at most 500000000 tokens (maxSupply)",
        "1001199999 tokens",
      );
      expectIssue(
        mutated((g) => {
          delete g.maxSupply;
          g.allocations[0].amount = "999999999";
        }),
        "allocations",
        "at most 1000000000 tokens (MAX_SUPPLY)",
        "1001199999 tokens",
      );
      expectIssue(
        mutated((g) => (g.maxSupply = "1000000001")),
        "maxSupply",
        "at most 1000000000",
        '"1000000001"',
      );
      expectIssue(
        mutated((g) => (g.maxSupply = "0")),
        "maxSupply",
        "greater than 0",
        '"0"',
      );
    });
  });

  describe("units", function () {
    it("converts decimal strings exactly, without floating point", function () {
      expect(parseDecimal("0.000000000000000001", 18)).to.equal(1n);
      expect(parseDecimal("123456789.123456789123456789", 18)).to.equal(123456789123456789123456789n);
      expect(parseDecimal("1.5", 6)).to.equal(1_500_000n);
      expect(parseDecimal("007", 0)).to.equal(7n);
      expect(parseDecimal("1.0000001", 6)).to.equal("too many decimal places");
      expect(parseDecimal(".5", 6)).to.equal("not a decimal string");
      expect(parseDecimal("1.", 6)).to.equal("not a decimal string");
      expect(formatDecimal(123456789123456789123456789n, 18)).to.equal("123456789.123456789123456789");
      expect(formatDecimal(10n ** 24n, 18)).to.equal("1000000");
    });

    it("reads durations in seconds or with a unit", function () {
      expect(parseDuration(3600)).to.equal(3600n);
      expect(parseDuration("30s")).to.equal(30n);
      expect(parseDuration("15m")).to.equal(900n);
      expect(parseDuration("12h")).to.equal(43_200n);
      expect(parseDuration("90d")).to.equal(7_776_000n);
      expect(parseDuration("52w")).to.equal(31_449_600n);
      expect(parseDuration("1.5h")).to.equal(undefined);
      expect(parseDuration(-1)).to.equal(undefined);
      expect(parseDuration("3600")).to.equal(undefined);
    });

    it("mirrors contracts/libraries/Constants.sol", function () {
      const source = readFileSync("contracts/libraries/Constants.sol", "utf8");
      const constant = (name: string): bigint => {
        const match = new RegExp(`uint256 constant ${name} = ([\\d_e]+);`).exec(source);
        expect(match, `${name} in Constants.sol`).to.not.equal(null);
        const [mantissa, exponent] = match![1].replaceAll("_", "").split("e");
        return BigInt(mantissa) * 10n ** BigInt(exponent ?? "0");
      };
      for (const name of [
        "WAD",
        "BPS",
        "MAX_SUPPLY",
        "MAX_PRICE_WAD",
        "MAX_EXPONENT_WAD",
        "MAX_SIGMOID_EXPONENT_WAD",
        "MAX_FEE_BPS",
        "MINIMUM_LIQUIDITY",
        "RATE_FLOOR_BPS",
        "RATE_CAP_BPS",
        "MAX_LOCK_SECONDS",
        "MAX_BATCH_SECONDS",
        "MAX_HINT_STEPS",
      ]) {
        expect(limits[name], name).to.equal(constant(name));
      }
    });
  });

  describe("curve limits against CurveMath.validate", function () {
    interface Case {
      kind: CurveKind;
      p: [bigint, bigint, bigint, bigint];
      maxSupply: bigint;
    }
    const FIELDS: Record<CurveKind, string[]> = {
      linear: ["slope", "basePrice"],
      exponential: ["initialPrice", "growthRate"],
      sigmoid: ["maxPrice", "steepness", "midpoint", "basePrice"],
    };

    async function harnessFixture(): Promise<CurveMathHarness> {
      return (await ethers.deployContract("CurveMathHarness")) as unknown as CurveMathHarness;
    }

    /** The genesis validator's verdict on one curve: the box [v, v] on maxSupply. */
    function acceptedHere({ kind, p, maxSupply }: Case): boolean {
      let ok = true;
      const box = new Map(FIELDS[kind].map((field, i) => [field, { lo: p[i], hi: p[i] }]));
      checkCurveBox(kind, box, { maxSupply, given: true }, () => (ok = false));
      return ok;
    }

    /** The contract's verdict: validate returns, or reverts InvalidCurve (anything else fails the test). */
    async function acceptedByContract(harness: CurveMathHarness, { kind, p, maxSupply }: Case): Promise<boolean> {
      try {
        await harness.validate({ kind: CURVE_KIND_IDS[kind], p1: p[0], p2: p[1], p3: p[2], p4: p[3], maxSupply });
        return true;
      } catch (error) {
        const data = findRevertData(error);
        expect(data === undefined ? undefined : harness.interface.parseError(data)?.name, String(error)).to.equal(
          "InvalidCurve",
        );
        return false;
      }
    }

    /** Curves on random domains whose binding parameter is the validator's own limit, one wei below it, or one above. */
    function edgeCases(random: SeededRandom): Case[] {
      const cases: Case[] = [];
      const domain = (): bigint => (random.chance(0.2) ? MAX_SUPPLY : random.logUniform(1n, MAX_SUPPLY));
      const price = (): bigint => (random.chance(0.1) ? MAX_PRICE_WAD : random.logUniform(1n, MAX_PRICE_WAD));
      const around = (limit: bigint): bigint[] => [limit - 1n, limit, limit + 1n].filter((x) => x >= 0n);
      for (let i = 0; i < 40; ++i) {
        const d = domain();
        const base = random.chance(0.2) ? 0n : price();
        for (const slope of around(largestSlope(base, d)))
          cases.push({ kind: "linear", p: [slope, base, 0n, 0n], maxSupply: d });

        const initial = price();
        for (const rate of around(largestGrowthRate(initial, d)))
          cases.push({ kind: "exponential", p: [initial, rate, 0n, 0n], maxSupply: d });

        const midpoint = random.pick([0n, d, d + 1n, random.uniform(0n, d)]);
        const farthest = midpoint > d - midpoint ? midpoint : d - midpoint;
        const height = price();
        const floor = random.chance(0.3)
          ? MAX_PRICE_WAD - height + random.pick([0n, 1n])
          : random.chance(0.5)
            ? 0n
            : random.uniform(0n, MAX_PRICE_WAD - height);
        for (const steepness of around(largestSteepness(farthest > 0n ? farthest : 1n))) {
          cases.push({ kind: "sigmoid", p: [height, steepness, midpoint, floor], maxSupply: d });
        }
      }
      return cases;
    }

    it("judges the exponential's price on Solady's expWad, to the wei", async function () {
      const harness = await networkHelpers.loadFixture(harnessFixture);
      const random = new SeededRandom(0xe8d0n);
      const exponents = [0n, 1n, WAD, 100n * WAD, ...Array.from({ length: 40 }, () => random.uniform(0n, 100n * WAD))];
      for (const x of exponents) {
        // priceWad = p1·expWad(p2·s/1e18)/1e18 at s = one token: all of expWad(p2) while p1 = 1e18 cannot overflow
        const p1 = x < 90n * WAD ? WAD : 10n ** 13n;
        const curve = { kind: CURVE_KIND_IDS.exponential, p1, p2: x, p3: 0n, p4: 0n, maxSupply: WAD };
        expect(await harness.priceWad(curve, WAD), `expWad(${x})`).to.equal((p1 * expWad(x)) / WAD);
      }
    });

    it("accepts exactly the curves the contract accepts, at the edge of every rule on random domains", async function () {
      const harness = await networkHelpers.loadFixture(harnessFixture);
      const cases = edgeCases(new SeededRandom(0x11d17n));
      const verdicts = await Promise.all(
        cases.map(async (c) => ({ c, here: acceptedHere(c), there: await acceptedByContract(harness, c) })),
      );
      const disagreements = verdicts
        .filter((v) => v.here !== v.there)
        .map((v) => `${v.c.kind} [${v.c.p.join(", ")}] on ${v.c.maxSupply}: here ${v.here}, contract ${v.there}`);
      expect(disagreements, disagreements.slice(0, 5).join("\n")).to.deep.equal([]);
      for (const kind of ["linear", "exponential", "sigmoid"] as const) {
        const mine = verdicts.filter((v) => v.c.kind === kind);
        expect(mine.filter((v) => v.there).length, `${kind} accepted`).to.be.greaterThan(20);
        expect(mine.filter((v) => !v.there).length, `${kind} refused`).to.be.greaterThan(20);
      }
    });
  });
});
