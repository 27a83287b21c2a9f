import { expect } from "chai";

import { createVestingBeneficiary } from "../../agents/behaviours/vesting-beneficiary.ts";
import { marketOf, sellRefund } from "../../agents/behaviours/curve-quotes.ts";
import { minusBps } from "../../agents/core/units.ts";
import { poolAmountOut } from "../../agents/mechanisms/pool/quotes.ts";
import type { IntentOutcome } from "../../agents/behaviours/behaviour.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import type { VestingBeneficiaryConfig } from "../../agents/behaviours/vesting-beneficiary.ts";
import { TOKEN, context, observation, wad } from "./observation.ts";

// A beneficiary of 1,000,000 tokens vesting 10,000 per step (100,000 already vested at step 1), who
// also holds 500,000 tokens of its own that it must never sell. A release pays out what has vested
// by the block it is mined in: 5,000 more than was claimable when it was decided.

const ALLOCATED = 1_000_000n * TOKEN;
const OWN_TOKENS = 500_000n * TOKEN;
const vestedAt = (step: number) => 100_000n * TOKEN + BigInt(step - 1) * 10_000n * TOKEN;

interface Trace {
  step: number;
  intents: Intent[];
}

interface Run {
  trace: Trace[];
  released: bigint;
  sold: bigint;
  tokens: bigint;
}

/** Runs the beneficiary for `steps` steps against a scripted vesting contract and market. */
function run(
  config: VestingBeneficiaryConfig,
  steps: number,
  options: { priceAt?: (step: number) => bigint; failSales?: (step: number) => boolean } = {},
): Run {
  const beneficiary = createVestingBeneficiary(config);
  let released = 0n;
  let sold = 0n;
  let tokens = OWN_TOKENS;
  let releasedAtLastObservation = 0n;
  const trace: Trace[] = [];
  for (let step = 1; step <= steps; step++) {
    const vested = vestedAt(step);
    const price = options.priceAt?.(step);
    const obs: Observation = observation({
      step,
      ...(price === undefined ? {} : { curve: { priceWad: price } }),
      self: { holdings: { tokens, quote: 0n, lp: 0n }, claimable: vested - released, locked: ALLOCATED - vested },
    });
    releasedAtLastObservation = released;
    const intents = beneficiary.step(obs, context()) as Intent[];
    trace.push({ step, intents });
    const outcomes: IntentOutcome[] = [];
    for (const intent of intents) {
      const fails = intent.kind !== "releaseVested" && (options.failSales?.(step) ?? false);
      outcomes.push({ intent, status: fails ? "reverted" : "success", gasUsed: 100_000n, gasCostWei: 0n });
      if (fails) continue;
      if (intent.kind === "releaseVested") {
        const paid = vested + 5_000n * TOKEN - released;
        released += paid;
        tokens += paid;
      } else if (intent.kind === "sellCurve") {
        sold += intent.amount;
        tokens -= intent.amount;
      } else if (intent.kind === "swap") {
        sold += intent.amountIn;
        tokens -= intent.amountIn;
      }
    }
    beneficiary.settle!({
      step,
      outcomes,
      self: obs.self,
      curvePriceWad: obs.curve.priceWad,
      poolPriceWad: obs.pool.priceWad,
    });
  }
  // It reads releases off its observations, so it knows those mined before its last step.
  expect(beneficiary.progress()).to.deep.equal({ released: releasedAtLastObservation, sold });
  return { trace, released, sold, tokens };
}

const base = {
  kind: "vestingBeneficiary",
  label: "team",
  slippageBps: 100,
  venue: "curve",
  claimEverySteps: 3,
} as const;
const steps = (r: Run, kind: Intent["kind"]) =>
  r.trace.filter((t) => t.intents.some((i) => i.kind === kind)).map((t) => t.step);
const sales = (r: Run) =>
  r.trace.flatMap((t) =>
    t.intents.filter((i) => i.kind === "sellCurve" || i.kind === "swap").map((i) => ({ step: t.step, intent: i })),
  );

describe("vestingBeneficiary", () => {
  it("releases every claimEverySteps while something is claimable", () => {
    const r = run({ ...base, sell: { mode: "hold" } }, 10);
    expect(steps(r, "releaseVested")).to.deep.equal([1, 4, 7, 10]);
  });

  it("waits for the cliff: nothing is released while nothing is claimable", () => {
    const beneficiary = createVestingBeneficiary({ ...base, sell: { mode: "hold" } });
    const locked = observation({ self: { claimable: 0n, locked: ALLOCATED } });
    expect(beneficiary.step(locked, context())).to.deep.equal([]);
    const vested = observation({ step: 2, self: { claimable: 1n, locked: ALLOCATED - 1n } });
    expect((beneficiary.step(vested, context()) as Intent[]).map((i) => i.kind)).to.deep.equal(["releaseVested"]);
  });

  it("hold: releases but never sells", () => {
    const r = run({ ...base, sell: { mode: "hold" } }, 12);
    expect(sales(r)).to.deep.equal([]);
    expect(r.tokens).to.equal(OWN_TOKENS + r.released);
  });

  it("schedule: sells fractionBps of what it released and has not sold, every everySteps, never its own tokens", () => {
    const r = run({ ...base, sell: { mode: "schedule", fractionBps: 5_000, everySteps: 2 } }, 12);
    const s = sales(r);
    expect(s.map((x) => x.step)).to.deep.equal([2, 4, 6, 8, 10, 12]);
    // Step 2 sells half of the 105,000 released at step 1; step 4 half of what is left.
    expect((s[0]!.intent as Extract<Intent, { kind: "sellCurve" }>).amount).to.equal(52_500n * TOKEN);
    expect((s[1]!.intent as Extract<Intent, { kind: "sellCurve" }>).amount).to.equal(26_250n * TOKEN);
    expect(r.sold <= r.released).to.equal(true);
    expect(r.tokens >= OWN_TOKENS).to.equal(true);
  });

  it("schedule: a sale that reverted is not counted as sold, so the next one sells from the same amount", () => {
    const r = run({ ...base, sell: { mode: "schedule", fractionBps: 5_000, everySteps: 2 } }, 4, {
      failSales: (step) => step === 2,
    });
    expect(r.sold).to.equal(52_500n * TOKEN); // step 4: half of the 105,000, the step-2 sale having failed
  });

  it("targetPrice: sells everything released and unsold once the venue's price reaches the target", () => {
    const target = wad(0.015);
    const r = run({ ...base, sell: { mode: "targetPrice", priceWad: target } }, 9, {
      priceAt: (step) => (step < 6 ? wad(0.0122) : wad(0.016)),
    });
    const s = sales(r);
    expect(s.map((x) => x.step)).to.deep.equal([6, 8]);
    // Step 6: the release of step 4 (vested 130,000 + 5,000); step 8: the release of step 7.
    expect((s[0]!.intent as Extract<Intent, { kind: "sellCurve" }>).amount).to.equal(135_000n * TOKEN);
    expect((s[1]!.intent as Extract<Intent, { kind: "sellCurve" }>).amount).to.equal(30_000n * TOKEN);
    expect(r.tokens).to.equal(OWN_TOKENS);
  });

  it("sells on its venue with a slippage limit: sellCurve on the curve, a token swap on the pool", () => {
    const config = { ...base, sell: { mode: "schedule", fractionBps: 10_000, everySteps: 1 } } as const;
    const curveSale = sales(run(config, 2))[0]!.intent as Extract<Intent, { kind: "sellCurve" }>;
    const obs = observation();
    expect(curveSale.kind).to.equal("sellCurve");
    expect(curveSale.minRefund).to.equal(minusBps(sellRefund(marketOf(obs.curve), curveSale.amount)!, 100));
    const poolSale = sales(run({ ...config, venue: "pool" }, 2))[0]!.intent as Extract<Intent, { kind: "swap" }>;
    expect(poolSale.kind).to.equal("swap");
    expect(poolSale.sell).to.equal("token");
    expect(poolSale.minOut).to.equal(minusBps(poolAmountOut(obs.pool, "token", poolSale.amountIn), 100));
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createVestingBeneficiary({ ...base, claimEverySteps: 0, sell: { mode: "hold" } })).to.throw(
      /claimEverySteps/,
    );
    expect(() =>
      createVestingBeneficiary({ ...base, sell: { mode: "schedule", fractionBps: 0, everySteps: 1 } }),
    ).to.throw(/fractionBps/);
  });
});
