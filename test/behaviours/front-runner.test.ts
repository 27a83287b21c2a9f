import { expect } from "chai";

import { createFrontRunner, planSandwich } from "../../agents/behaviours/front-runner.ts";
import { curveAfterTrade, estimateBuyCost, estimateSellRefund, estimateTokensForQuote, gasCostQuote, minusBps, plusBps } from "../../agents/harness/estimates.ts";
import type { Intent, Observation, PendingTx } from "../../agents/harness/types.ts";
import type { FrontRunnerConfig } from "../../agents/scenario/behaviour-configs.ts";
import { GAS, QUOTE, TOKEN, context, observation } from "./observation.ts";

// The default market: curve at 0.0122 (0.01 + 1e-9 × 2.2M), 1% fees each way. A 500,000-token buy
// lifts the price by 0.0005 (4%): enough to pay a sandwich's two 1% fees when the victim allows 3%.

const GWEI = 1_000_000_000n;
const CONFIG: FrontRunnerConfig = { kind: "frontRunner", label: "fr", slippageBps: 100, minProfitQuote: 5n * QUOTE, maxTradeQuote: 10_000n * QUOTE, bidIncrementWei: GWEI / 2n };
const PRIORITY: Observation = observation({ mode: "priority" });

let nonce = 0;
function pending(intent: Intent, priorityFeeWei = 2n * GWEI, from: `0x${string}` = "0x00000000000000000000000000000000000000b1"): PendingTx {
  nonce++;
  return { hash: `0x${nonce.toString(16).padStart(64, "0")}`, from, agentId: `agent-${from.slice(-2)}`, intent, priorityFeeWei };
}

/** A buy of `tokens` that accepts `slippageBps` over the estimated cost. */
function victimBuy(tokens: bigint, slippageBps: number, obs = PRIORITY): Extract<Intent, { kind: "buyCurve" }> {
  return { kind: "buyCurve", amount: tokens, maxCost: plusBps(estimateBuyCost(obs.curve, tokens), slippageBps) };
}

/** |actual − expected| ≤ tolerance (the chai matchers plugin takes closeTo for integers only). */
const near = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) <= tolerance;

type Of<K extends Intent["kind"]> = Extract<Intent, { kind: K }>;

function sandwich(obs: Observation, txs: PendingTx[], config = CONFIG): Intent[] {
  return createFrontRunner(config).react!(obs, txs, context()) as Intent[];
}

function legGas(victimFee: bigint): bigint {
  return gasCostQuote(GAS.limits.buyCurve, GAS, victimFee + CONFIG.bidIncrementWei) + gasCostQuote(GAS.limits.sellCurve, GAS, victimFee - CONFIG.bidIncrementWei);
}

/** Estimated profit of buying `x` before the victim's `tokens` and selling after, net of gas. */
function sandwichProfit(obs: Observation, x: bigint, tokens: bigint, victimFee = 2n * GWEI): bigint {
  const cost = estimateBuyCost(obs.curve, x);
  const refund = estimateSellRefund(curveAfterTrade(obs.curve, x + tokens), x);
  return refund - cost - legGas(victimFee);
}

describe("frontRunner", () => {
  describe("a large buy with room in its limit", () => {
    const victim = victimBuy(500_000n * TOKEN, 300);

    it("buys just ahead of it and sells the same tokens just behind it", () => {
      const intents = sandwich(PRIORITY, [pending(victim)]);
      expect(intents.map((i) => i.kind)).to.deep.equal(["buyCurve", "sellCurve"]);
      const [front, back] = intents as [Of<"buyCurve">, Of<"sellCurve">];
      expect(back.amount).to.equal(front.amount);
      expect(front.priorityFeeWei).to.equal(2n * GWEI + CONFIG.bidIncrementWei);
      expect(back.priorityFeeWei).to.equal(2n * GWEI - CONFIG.bidIncrementWei);
    });

    it("keeps the victim within its maxCost", () => {
      const [front] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">];
      const victimCost = estimateBuyCost(curveAfterTrade(PRIORITY.curve, front.amount), victim.amount);
      expect(victimCost <= victim.maxCost).to.equal(true);
      // ... and uses the room: 1% more would either break the victim's limit or pay less.
      const more = (front.amount * 101n) / 100n;
      const breaks = estimateBuyCost(curveAfterTrade(PRIORITY.curve, more), victim.amount) > victim.maxCost;
      expect(breaks || sandwichProfit(PRIORITY, more, victim.amount) <= sandwichProfit(PRIORITY, front.amount, victim.amount)).to.equal(true);
    });

    it("clears minProfitQuote after both fees and both legs' gas, and its limits keep that profit", () => {
      const [front, back] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">, Of<"sellCurve">];
      const profit = sandwichProfit(PRIORITY, front.amount, victim.amount);
      expect(profit >= CONFIG.minProfitQuote, `profit ${profit}`).to.equal(true);
      const cost = estimateBuyCost(PRIORITY.curve, front.amount);
      const refund = estimateSellRefund(curveAfterTrade(PRIORITY.curve, front.amount + victim.amount), front.amount);
      expect(front.maxCost >= cost).to.equal(true);
      expect(back.minRefund >= front.maxCost + legGas(2n * GWEI) + CONFIG.minProfitQuote).to.equal(true);
      expect(back.minRefund >= minusBps(refund, CONFIG.slippageBps) && back.minRefund <= refund).to.equal(true);
    });

    it("spends at most maxTradeQuote and the quote it holds", () => {
      const capped = sandwich(PRIORITY, [pending(victim)], { ...CONFIG, maxTradeQuote: 1_000n * QUOTE }) as [Of<"buyCurve">];
      expect(capped[0].maxCost <= 1_000n * QUOTE).to.equal(true);
      const poor = observation({ mode: "priority", self: { holdings: { tokens: 0n, quote: 500n * QUOTE, lp: 0n } } });
      const [front] = sandwich(poor, [pending(victim)]) as [Of<"buyCurve">];
      expect(front.maxCost <= 500n * QUOTE).to.equal(true);
    });
  });

  it("sandwiches a quote-sized buy so that it still gets its minOut", () => {
    const quoteIn = 6_000n * QUOTE;
    const victim: Intent = { kind: "buyCurveWithQuote", quoteIn, minOut: minusBps(estimateTokensForQuote(PRIORITY.curve, quoteIn), 300) };
    const [front] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">];
    expect(front.kind).to.equal("buyCurve");
    expect(estimateTokensForQuote(curveAfterTrade(PRIORITY.curve, front.amount), quoteIn) >= victim.minOut).to.equal(true);
  });

  it("picks the victim that pays best", () => {
    const small = pending(victimBuy(300_000n * TOKEN, 300), 3n * GWEI);
    const large = pending(victimBuy(600_000n * TOKEN, 300), 2n * GWEI, "0x00000000000000000000000000000000000000b2");
    const [front] = sandwich(PRIORITY, [small, large]);
    expect(front!.priorityFeeWei).to.equal(2n * GWEI + CONFIG.bidIncrementWei);
  });

  describe("leaves alone", () => {
    it("a buy too small to pay for the fees and gas", () => {
      expect(sandwich(PRIORITY, [pending(victimBuy(20_000n * TOKEN, 300))])).to.deep.equal([]);
    });

    it("a large buy with no room in its limit", () => {
      expect(sandwich(PRIORITY, [pending(victimBuy(500_000n * TOKEN, 0))])).to.deep.equal([]);
    });

    it("sells, swaps and its own buys", () => {
      const own = pending(victimBuy(500_000n * TOKEN, 300), 2n * GWEI, PRIORITY.self.address);
      const sell = pending({ kind: "sellCurve", amount: 500_000n * TOKEN, minRefund: 0n });
      const swap = pending({ kind: "swap", sell: "quote", amountIn: 6_000n * QUOTE, minOut: 0n });
      expect(sandwich(PRIORITY, [own, sell, swap])).to.deep.equal([]);
    });

    it("a buy bidding less than its increment, which it could not trail", () => {
      expect(sandwich(PRIORITY, [pending(victimBuy(500_000n * TOKEN, 300), CONFIG.bidIncrementWei - 1n)])).to.deep.equal([]);
    });

    it("everything in sequential mode, and never acts in step()", async () => {
      const sequential = observation({ mode: "sequential" });
      expect(sandwich(sequential, [pending(victimBuy(500_000n * TOKEN, 300, sequential))])).to.deep.equal([]);
      expect(await createFrontRunner(CONFIG).step(PRIORITY, context())).to.deep.equal([]);
    });
  });

  for (const [where, fee] of [["ahead of its front leg", 10n * GWEI], ["between its front leg and the victim", 2n * GWEI + GWEI / 5n]] as const) {
    it(`counts another buy mined ${where}: the victim's room shrinks by that buy`, () => {
      const victim = victimBuy(500_000n * TOKEN, 300);
      const [alone] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">];
      const other = pending({ kind: "buyCurve", amount: 200_000n * TOKEN, maxCost: 10_000n * QUOTE }, fee, "0x00000000000000000000000000000000000000b3");
      const [crowded] = sandwich(PRIORITY, [pending(victim), other]) as [Of<"buyCurve">];
      // On a linear curve the victim's room is a supply distance, so the other buy takes its 200,000 out of X.
      expect(near(Number(alone.amount - crowded.amount) / 1e18, 200_000, 1)).to.equal(true);
      const victimMeets = curveAfterTrade(PRIORITY.curve, 200_000n * TOKEN + crowded.amount);
      expect(estimateBuyCost(victimMeets, victim.amount) <= victim.maxCost).to.equal(true);
    });
  }

  it("counts a sell mined between the victim and its back leg against the profit", () => {
    const victim = victimBuy(500_000n * TOKEN, 300);
    const sellBehind = (tokens: bigint) => pending({ kind: "sellCurve", amount: tokens * TOKEN, minRefund: 0n }, 2n * GWEI - GWEI / 5n, "0x00000000000000000000000000000000000000b4");
    const alone = planSandwich(PRIORITY, [pending(victim)], CONFIG)!;
    const undercut = planSandwich(PRIORITY, [pending(victim), sellBehind(50_000n)], CONFIG)!;
    // A 50,000-token sale lowers the price the back leg gets (1e-9 × 50,000 per token, less the fee);
    // one of 300,000 takes all the lift away.
    expect(undercut.tokens).to.equal(alone.tokens);
    const lostPerToken = (Number(alone.refund - undercut.refund) / 1e6 / (Number(alone.tokens) / 1e18));
    expect(near(lostPerToken, 50_000 * 1e-9 * 0.99, 1e-7), `lost ${lostPerToken} per token`).to.equal(true);
    expect(sandwich(PRIORITY, [pending(victim), sellBehind(300_000n)])).to.deep.equal([]);
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createFrontRunner({ ...CONFIG, bidIncrementWei: 0n })).to.throw(/bidIncrementWei/);
    expect(() => createFrontRunner({ ...CONFIG, maxTradeQuote: 0n })).to.throw(/maxTradeQuote/);
    expect(() => createFrontRunner({ ...CONFIG, minProfitQuote: -1n })).to.throw(/minProfitQuote/);
  });
});
