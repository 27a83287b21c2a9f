import { expect } from "chai";

import { buyCost, marketOf, NO_LIMIT, sellRefund, tokensFor } from "../../agents/behaviours/curve-quotes.ts";
import { createFrontRunner, planSandwich } from "../../agents/behaviours/front-runner.ts";
import { gasCostQuote } from "../../agents/behaviours/trade.ts";
import { minusBps, plusBps } from "../../agents/core/units.ts";
import type { PendingTx } from "../../agents/behaviours/behaviour.ts";
import type { Intent, Observation } from "../../agents/mechanisms/vocabulary.ts";
import { blockOrder } from "../../agents/engine/block-order.ts";
import type { MarketModel } from "../../agents/mechanisms/market/model.ts";
import { ModelRevert } from "../../agents/core/model-revert.ts";
import type { FrontRunnerConfig } from "../../agents/behaviours/front-runner.ts";
import { GAS, QUOTE, TOKEN, context, observation } from "./observation.ts";

// The default market: curve at 0.0122 (0.01 + 1e-9 × 2.2M), 1% fees each way. A 500,000-token buy
// lifts the price by 0.0005 (4%): enough to pay a sandwich's two 1% fees when the victim allows 3%.

const GWEI = 1_000_000_000n;
const CONFIG: FrontRunnerConfig = {
  kind: "frontRunner",
  label: "fr",
  slippageBps: 100,
  minProfitQuote: 5n * QUOTE,
  maxTradeQuote: 10_000n * QUOTE,
  bidIncrementWei: GWEI / 2n,
};
const PRIORITY: Observation = observation({ mode: "priority" });

let nonce = 0;
function pending(
  intent: Intent,
  priorityFeeWei = 2n * GWEI,
  from: `0x${string}` = "0x00000000000000000000000000000000000000b1",
): PendingTx {
  nonce++;
  return {
    hash: `0x${nonce.toString(16).padStart(64, "0")}`,
    from,
    agentId: `agent-${from.slice(-2)}`,
    intent,
    priorityFeeWei,
  };
}

/** A buy of `tokens` that accepts `slippageBps` over its cost. */
function victimBuy(tokens: bigint, slippageBps: number, obs = PRIORITY): Extract<Intent, { kind: "buyCurve" }> {
  return { kind: "buyCurve", amount: tokens, maxCost: plusBps(buyCost(marketOf(obs.curve), tokens)!, slippageBps) };
}

/** The market after buys of `amounts`, in turn, with no limit. */
function after(obs: Observation, ...amounts: bigint[]): MarketModel {
  const market = marketOf(obs.curve);
  for (const amount of amounts) market.buyExactTokens(amount, NO_LIMIT);
  return market;
}

/**
 * Mines the pending block and the front-runner's legs (sent last, from its own address) on the
 * model, in the order the chain mines a priority block; the status of each, pending first.
 */
function mine(obs: Observation, txs: PendingTx[], legs: Intent[]): ("success" | "reverted")[] {
  const all = [
    ...txs.map((tx) => ({ intent: tx.intent, sender: tx.from, priorityFeeWei: tx.priorityFeeWei })),
    ...legs.map((intent) => ({ intent, sender: obs.self.address, priorityFeeWei: intent.priorityFeeWei! })),
  ];
  const senders = [...new Set(all.map((tx) => tx.sender))];
  const market = marketOf(obs.curve);
  const status: ("success" | "reverted")[] = new Array(all.length);
  for (const i of blockOrder(
    all.map((tx) => ({ sender: senders.indexOf(tx.sender), priorityFeeWei: tx.priorityFeeWei })),
    true,
  )) {
    const intent = all[i]!.intent;
    try {
      if (intent.kind === "buyCurve") market.buyExactTokens(intent.amount, intent.maxCost);
      else if (intent.kind === "buyCurveWithQuote") market.buyExactQuote(intent.quoteIn, intent.minOut);
      else if (intent.kind === "sellCurve") market.sell(intent.amount, intent.minRefund);
      status[i] = "success";
    } catch (error) {
      if (!(error instanceof ModelRevert)) throw error;
      status[i] = "reverted";
    }
  }
  return status;
}

/** |actual − expected| ≤ tolerance (the chai matchers plugin takes closeTo for integers only). */
const near = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) <= tolerance;

type Of<K extends Intent["kind"]> = Extract<Intent, { kind: K }>;

function sandwich(obs: Observation, txs: PendingTx[], config = CONFIG): Intent[] {
  return createFrontRunner(config).react!(obs, txs, context()) as Intent[];
}

function legGas(victimFee: bigint): bigint {
  return (
    gasCostQuote(GAS.limits.buyCurve, GAS, victimFee + CONFIG.bidIncrementWei) +
    gasCostQuote(GAS.limits.sellCurve, GAS, victimFee - CONFIG.bidIncrementWei)
  );
}

/** Profit of buying `x` before the victim's `tokens` and selling after, net of gas. */
function sandwichProfit(obs: Observation, x: bigint, tokens: bigint, victimFee = 2n * GWEI): bigint {
  const cost = buyCost(marketOf(obs.curve), x)!;
  const refund = sellRefund(after(obs, x, tokens), x)!;
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

    it("keeps the victim within its maxCost, using all the room to the wei", () => {
      const [front] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">];
      expect(buyCost(after(PRIORITY, front.amount), victim.amount)! <= victim.maxCost).to.equal(true);
      // Exact quotes need no margin: one token wei more and the victim's buy would revert.
      expect(buyCost(after(PRIORITY, front.amount + 1n), victim.amount)! > victim.maxCost).to.equal(true);
    });

    it("every transaction of the block mines: both legs within their limits, the victim within its own", () => {
      const txs = [pending(victim)];
      const legs = sandwich(PRIORITY, txs);
      expect(mine(PRIORITY, txs, legs)).to.deep.equal(["success", "success", "success"]);
    });

    it("clears minProfitQuote after both fees and both legs' gas, and its limits keep that profit", () => {
      const [front, back] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">, Of<"sellCurve">];
      const profit = sandwichProfit(PRIORITY, front.amount, victim.amount);
      expect(profit >= CONFIG.minProfitQuote, `profit ${profit}`).to.equal(true);
      const cost = buyCost(marketOf(PRIORITY.curve), front.amount)!;
      const refund = sellRefund(after(PRIORITY, front.amount, victim.amount), front.amount)!;
      expect(front.maxCost >= cost).to.equal(true);
      expect(back.minRefund >= front.maxCost + legGas(2n * GWEI) + CONFIG.minProfitQuote).to.equal(true);
      expect(back.minRefund >= minusBps(refund, CONFIG.slippageBps) && back.minRefund <= refund).to.equal(true);
    });

    it("spends at most maxTradeQuote and the quote it holds", () => {
      const capped = sandwich(PRIORITY, [pending(victim)], { ...CONFIG, maxTradeQuote: 1_000n * QUOTE }) as [
        Of<"buyCurve">,
      ];
      expect(capped[0].maxCost <= 1_000n * QUOTE).to.equal(true);
      // The budget binds: it buys the most 1,000 quote buys, with no hedge under the budget.
      expect(capped[0].amount).to.equal(tokensFor(marketOf(PRIORITY.curve), 1_000n * QUOTE));
      const poor = observation({ mode: "priority", self: { holdings: { tokens: 0n, quote: 500n * QUOTE, lp: 0n } } });
      const [front] = sandwich(poor, [pending(victim)]) as [Of<"buyCurve">];
      expect(front.maxCost <= 500n * QUOTE).to.equal(true);
    });
  });

  it("sandwiches a quote-sized buy so that it still gets its minOut", () => {
    const quoteIn = 6_000n * QUOTE;
    const victim: Intent = {
      kind: "buyCurveWithQuote",
      quoteIn,
      minOut: minusBps(tokensFor(marketOf(PRIORITY.curve), quoteIn), 300),
    };
    const txs = [pending(victim)];
    const legs = sandwich(PRIORITY, txs);
    const [front] = legs as [Of<"buyCurve">];
    expect(front.kind).to.equal("buyCurve");
    expect(tokensFor(after(PRIORITY, front.amount), quoteIn) >= victim.minOut).to.equal(true);
    expect(tokensFor(after(PRIORITY, front.amount + 1n), quoteIn) < victim.minOut).to.equal(true);
    expect(mine(PRIORITY, txs, legs)).to.deep.equal(["success", "success", "success"]);
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
      expect(
        sandwich(PRIORITY, [pending(victimBuy(500_000n * TOKEN, 300), CONFIG.bidIncrementWei - 1n)]),
      ).to.deep.equal([]);
    });

    it("everything in sequential mode, and never acts in step()", async () => {
      const sequential = observation({ mode: "sequential" });
      expect(sandwich(sequential, [pending(victimBuy(500_000n * TOKEN, 300, sequential))])).to.deep.equal([]);
      expect(await createFrontRunner(CONFIG).step(PRIORITY, context())).to.deep.equal([]);
    });
  });

  for (const [where, fee] of [
    ["ahead of its front leg", 10n * GWEI],
    ["between its front leg and the victim", 2n * GWEI + GWEI / 5n],
  ] as const) {
    it(`counts another buy mined ${where}: the victim's room shrinks by that buy`, () => {
      const victim = victimBuy(500_000n * TOKEN, 300);
      const [alone] = sandwich(PRIORITY, [pending(victim)]) as [Of<"buyCurve">];
      const other = pending(
        { kind: "buyCurve", amount: 200_000n * TOKEN, maxCost: 10_000n * QUOTE },
        fee,
        "0x00000000000000000000000000000000000000b3",
      );
      const txs = [pending(victim), other];
      const legs = sandwich(PRIORITY, txs);
      const [crowded] = legs as [Of<"buyCurve">];
      // On a linear curve the victim's room is a supply distance, so the other buy takes its 200,000 out of X.
      expect(near(Number(alone.amount - crowded.amount) / 1e18, 200_000, 1)).to.equal(true);
      expect(buyCost(after(PRIORITY, 200_000n * TOKEN, crowded.amount), victim.amount)! <= victim.maxCost).to.equal(
        true,
      );
      expect(mine(PRIORITY, txs, legs)).to.deep.equal(["success", "success", "success", "success"]);
    });
  }

  it("counts a sell mined between the victim and its back leg against the profit", () => {
    const victim = victimBuy(500_000n * TOKEN, 300);
    const sellBehind = (tokens: bigint) =>
      pending(
        { kind: "sellCurve", amount: tokens * TOKEN, minRefund: 0n },
        2n * GWEI - GWEI / 5n,
        "0x00000000000000000000000000000000000000b4",
      );
    const alone = planSandwich(PRIORITY, [pending(victim)], CONFIG)!;
    const undercut = planSandwich(PRIORITY, [pending(victim), sellBehind(50_000n)], CONFIG)!;
    // A 50,000-token sale lowers the price the back leg gets (1e-9 × 50,000 per token, less the fee);
    // one of 300,000 takes all the lift away.
    expect(undercut.tokens).to.equal(alone.tokens);
    const lostPerToken = Number(alone.refund - undercut.refund) / 1e6 / (Number(alone.tokens) / 1e18);
    expect(near(lostPerToken, 50_000 * 1e-9 * 0.99, 1e-7), `lost ${lostPerToken} per token`).to.equal(true);
    expect(sandwich(PRIORITY, [pending(victim), sellBehind(300_000n)])).to.deep.equal([]);
  });

  it("refuses a config it cannot follow, naming the field", () => {
    expect(() => createFrontRunner({ ...CONFIG, bidIncrementWei: 0n })).to.throw(/bidIncrementWei/);
    expect(() => createFrontRunner({ ...CONFIG, maxTradeQuote: 0n })).to.throw(/maxTradeQuote/);
    expect(() => createFrontRunner({ ...CONFIG, minProfitQuote: -1n })).to.throw(/minProfitQuote/);
  });
});
