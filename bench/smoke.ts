import hre from "hardhat";
import { openChain } from "../agents/chain/chain.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { setUpBattle } from "../agents/world/setup.ts";
import { World } from "../agents/world/world.ts";
import type { Scenario } from "../agents/scenario/scenario-types.ts";
import type { Behaviour } from "../agents/behaviours/behaviour.ts";
const N = Number(process.env.AGENTS ?? 5),
  B = Number(process.env.BLOCKS ?? 20);
const scenario: Scenario = {
  source: "smoke",
  name: "smoke",
  description: "",
  genesis: "genesis/default.json",
  seed: 1n,
  blocks: B,
  mode: (process.env.MODE as any) ?? "sequential",
  blockSeconds: 12,
  policy: "linear",
  startTime: 1767225600,
  gas: { priorityFeeWei: 10n ** 9n, ethPriceQuote: 3000n * 10n ** 6n },
  agents: Array.from({ length: N }, (_, i) => ({
    id: `a${i}`,
    wallet: { kind: "derived" as const },
    funds: { quote: 100000n * 10n ** 6n, tokens: 1000n * 10n ** 18n },
    behaviours: [],
  })),
  output: { agentEvery: 1, historyLength: 16 },
};
const buyer = (): Behaviour => ({
  kind: "t",
  label: "buyer",
  step: (obs, ctx) =>
    ctx.rng.chance(0.5)
      ? [{ kind: "buyCurveWithQuote", quoteIn: 10n ** 6n, minOut: 0n }]
      : [{ kind: "swap", sell: "token", amountIn: 10n ** 18n, minOut: process.env.REVERT ? 10n ** 30n : 0n }],
});
const chain = await openChain(hre, {
  network: process.env.NET,
  mode: scenario.mode,
  startTime: scenario.startTime,
  allowLive: false,
});
const abis = await loadSystemAbis(hre.artifacts);
const setup = await setUpBattle(chain, scenario, abis, false, console.log);
const world = await World.create(chain, scenario, abis, setup, () => [buyer()]);
let t = performance.now();
let txs = 0;
const fns: Record<string, number> = {};
for (let s = 0; s < B; s++) {
  const r = await world.runStep();
  txs += Number(r.row.txs);
  for (const e of r.events) {
    const k = e.fn + ":" + e.status + ":" + (e.error ?? "");
    fns[k] = (fns[k] ?? 0) + 1;
  }
}
console.log(fns);
const dt = performance.now() - t;
console.log(
  "tx/s",
  ((txs / dt) * 1000).toFixed(0),
  "ms/step",
  (dt / B).toFixed(2),
  "reconcile",
  await world.reconcile(),
);
await chain.close();
