// npm run bench:gas — the gas of the hot paths, printed beside their targets and anchors, and
// written to bench/results/gas.json as { "<operation>": <gas per transaction> }.
import { mkdir, writeFile } from "node:fs/promises";

import { network } from "hardhat";

import { measureHotPaths } from "../agents/gas/hot-paths.ts";

const OUT = "bench/results/gas.json";

/** Operation → the most gas it may use (per transaction; per call for curveMath). */
function targetFor(operation: string, figures: Record<string, number>): number | undefined {
  if (/^(buy|buyExactQuote|sell)\.[a-z]+(\.firstHolder)?$/.test(operation)) return 100_000;
  if (operation.startsWith("governor.castVote")) return 85_000;
  if (operation === "vesting.release") return 85_000;
  if (operation === "staking.stake") return 90_000;
  if (operation === "staking.unstake") return 80_000;
  if (operation === "staking.claim") return 70_000;
  if (operation === "resource.request" || operation === "resource.provide") return 80_000;
  // An exact-output swap costs at most 5k more than the exact-input swap of the same trade.
  if (operation === "pool.swapExactOut" && figures["pool.swap"] !== undefined) return figures["pool.swap"] + 5_000;
  if (operation === "referral.buyWithReferrer") return 110_000;
  if (operation === "auction.placeOrder.buy" || operation === "auction.placeOrder.sell") return 90_000;
  if (operation === "auction.settle.perOrder") return 40_000;
  if (operation === "auction.claim") return 60_000;
  if (operation === "buyback.execute") return 150_000;
  if (/^curveMath\.[a-z]+\.(costUp|refundDown)$/.test(operation)) return 4_000;
  return undefined;
}

const ANCHORS: Record<string, { label: string; gas: number }> = {
  "pool.swap": { label: "Uniswap V2 router swap", gas: 101_876 },
  "auction.settle.perOrder": { label: "one-trade CoW Protocol settlement", gas: 138_000 },
};

const figures = await measureHotPaths(() => network.create());

const rows = Object.entries(figures).map(([operation, gas]) => {
  const target = targetFor(operation, figures);
  const anchor = ANCHORS[operation];
  return {
    operation,
    gas: gas.toLocaleString("en-US"),
    target: target === undefined ? "" : `≤ ${target.toLocaleString("en-US")} ${gas <= target ? "met" : "MISSED"}`,
    anchor:
      anchor === undefined
        ? ""
        : `${anchor.label} ${anchor.gas.toLocaleString("en-US")} (ratio ${(gas / anchor.gas).toFixed(3)})`,
  };
});
const widths = (["operation", "gas", "target", "anchor"] as const).map((k) =>
  Math.max(k.length, ...rows.map((r) => r[k].length)),
);
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
console.log(line(["operation", "gas", "target", "anchor"]));
for (const r of rows) console.log(line([r.operation, r.gas, r.target, r.anchor]));
console.log(
  "\nbuy/sell: one transaction each (21,000 base included); .firstHolder is a buyer whose token balance was zero.",
);
console.log("curveMath: the library call alone, per quote, at the same supply and amount as the trades;");
console.log(
  "tokensForQuote (the inverse, iterative on the sigmoid) has no target and is shown for buyExactQuote's sake;\n" +
    "buyExactQuote pays the cost the inverse's last check computed, so it evaluates the integral once less than buy + tokensForQuote.",
);
console.log(
  "auction: placeOrder.buy/.sell (placeBuy, placeSell) by a trader who has ordered before, into a batch of 96 orders\n" +
    "with the twin's hint; opensBatch (the first order, which also places the issuer's offer) has no target;\n" +
    "settle.perOrder is the settlement's gas over the orders it walked (calls of 25, the finishing call's fee transfer\n" +
    "included): against a one-trade CoW settlement, an order's whole life is place + its share of settle + claim.",
);

await mkdir("bench/results", { recursive: true });
await writeFile(OUT, `${JSON.stringify(figures, null, 2)}\n`);
console.log(`\nwrote ${OUT}`);
const missed = rows.filter((r) => r.target.endsWith("MISSED"));
if (missed.length > 0) console.log(`targets missed: ${missed.map((r) => r.operation).join(", ")}`);
