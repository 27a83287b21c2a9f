// The first/last price and reserve metrics on real runs: the classic daily model starts at the
// genesis's pool seed, the pool's reserves move by exactly what the two traders moved out of their
// wallets (a fee-less pool, trading only with them), and the chain engine reads the same venues as the
// model, to the wei, so the metrics serve as experiment objectives on either engine.

import { expect } from "chai";
import hre from "hardhat";

import { ChainEngine } from "../agents/experiment/chain-engine.ts";
import { parseExperiment } from "../agents/experiment/experiment-file.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { measure } from "../agents/metrics/registry.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";

const WAD = 10n ** 18n;
const QUOTE = 1_000_000n;

describe("venue metrics", function () {
  this.timeout(180_000);

  it("start at the genesis seed and move the pool's reserves by the traders' net trades; the chain reads the same", async () => {
    const scenario = { ...(await loadScenario("scenarios/classic-daily.yaml")), blocks: 30 };
    const model = await runModelBattle(scenario);
    const run = { steps: model.steps, agents: model.agents, venues: model.venues, blockSeconds: 86_400 };
    expect(model.venues.first.pool).to.deep.equal({
      priceWad: (990n * WAD) / 1000n,
      reserveToken: 1_000n * WAD,
      reserveQuote: 990n * QUOTE,
    });
    expect(measure(run, "firstPoolPriceQuote")).to.equal(0.99);
    expect(measure(run, "firstPoolReserveTokens")).to.equal(1_000);
    expect(measure(run, "firstPoolReserveQuote")).to.equal(990);
    // What the pool gained, the two traders lost (the seller started with 3,000 tokens bought at set-up).
    const buyer = model.agents.find((a) => a.agent === "buyer")!.final;
    const seller = model.agents.find((a) => a.agent === "seller")!.final;
    const tokensOut = buyer.tokens + seller.tokens - 3_000n * WAD;
    const pool = model.venues.last.pool!;
    expect(pool.reserveToken).to.equal(1_000n * WAD - tokensOut);
    // Both traded (with exact 10-token buys and 7-token sales the 30 days happen to net out to the pool's seed).
    expect(buyer.tokens > 0n && seller.tokens < 3_000n * WAD, "the buyer bought and the seller sold").to.equal(true);
    // Not closeTo: the hardhat-ethers matchers take closeTo over as a bigint comparison in the full run.
    expect(Math.abs(measure(run, "poolReserveChangeTokens") + Number(tokensOut) / 1e18)).to.be.below(1e-9);
    expect(measure(run, "finalPoolPriceQuote")).to.equal(measure(run, "lastPoolPriceQuote"));
    expect(measure(run, "reserveChangeQuote"), "nobody trades on the curve").to.equal(0);

    const engine = new ChainEngine(hre);
    try {
      const onChain = await engine.run({ deploymentKey: "", parameters: [], scenario });
      expect(onChain.venues).to.deep.equal(model.venues);
    } finally {
      await engine.close();
    }
  });

  it("are experiment objectives by name", async () => {
    const e = await parseExperiment(
      {
        scenario: "scenarios/classic-daily.yaml",
        engine: "model",
        seeds: 1,
        grid: { "genesis.pool.seed.quote": ["990", "1000"] },
        objectives: [
          { metric: "poolReserveChangeQuote", goal: "maximise" },
          { metric: "firstPoolPriceQuote", goal: "minimise" },
          { metric: "lastCurvePriceQuote", goal: "maximise" },
        ],
      },
      "x.yaml",
    );
    expect(e.objectives.map((o) => o.metric)).to.deep.equal([
      "poolReserveChangeQuote",
      "firstPoolPriceQuote",
      "lastCurvePriceQuote",
    ]);
  });
});
