// A saved strategy as a behaviour: JavaScript in a QuickJS sandbox with seeded randomness, no clock and
// no I/O, whose hostile code (endless loops, memory bombs, reaching for the host, prototype tampering,
// huge or malformed answers) costs the agent its step and nothing else; read from a scenario relative to
// the scenario file; and run in battles on the fast model and on the chain with the same results.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { Behaviour } from "../agents/behaviours/behaviour.ts";
import { Random } from "../agents/core/random.ts";
import { loadScenario, parseScenario, ScenarioError } from "../agents/inputs/scenario.ts";
import { MarketModel } from "../agents/mechanisms/market/model.ts";
import type { Intent, Observation } from "../agents/mechanisms/vocabulary.ts";
import { runBattle } from "../agents/run/battle.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";
import { readStepsCsv } from "../agents/run/run-csv.ts";
import { syntaxEngine, syntaxProblem } from "../agents/strategy/sandbox.ts";
import {
  createStrategy,
  onStrategyFailure,
  type StrategyBehaviour,
  type StrategyConfig,
  type StrategyStepError,
} from "../agents/strategy/strategy-behaviour.ts";
import { context, observation, QUOTE, TOKEN } from "./behaviours/observation.ts";

function strategyOf(code: string, overrides: Partial<StrategyConfig> = {}): StrategyBehaviour {
  return createStrategy({
    kind: "strategy",
    label: "s",
    slippageBps: 100,
    file: "s.js",
    code,
    memoryMiB: 20,
    workPerStep: 50,
    ...overrides,
  });
}

/** Steps a behaviour over `count` observations (steps 1…count) with one seeded context. */
async function stepsOf(behaviour: Behaviour, count: number, seed = 1n, obs: Partial<Observation> = {}) {
  const ctx = context(seed);
  const out: Intent[][] = [];
  for (let step = 1; step <= count; step++) out.push(await behaviour.step(observation({ step, ...obs }), ctx));
  return out;
}

describe("strategy sandbox", function () {
  let reported: StrategyStepError[] = [];
  const made: StrategyBehaviour[] = [];
  const make = (code: string, overrides: Partial<StrategyConfig> = {}) => {
    const behaviour = strategyOf(code, overrides);
    made.push(behaviour);
    return behaviour;
  };

  beforeEach(function () {
    reported = [];
    onStrategyFailure((error) => reported.push(error));
  });
  afterEach(function () {
    onStrategyFailure(undefined);
    for (const behaviour of made.splice(0)) behaviour.dispose();
  });

  it("turns the strategy's decimal strings into intents in contract units, with its note and the behaviour's label", async function () {
    const s = make(`function step(obs) {
      return [{ kind: "buyCurveWithQuote", quoteIn: String(BigInt(obs.self.holdings.quote) / 100n), minOut: "0", note: "1% of my quote" },
              { kind: "swap", sell: "token", amountIn: "1000000000000000000", minOut: "1", priorityFeeWei: "7" }];
    }`);
    const [intents] = await stepsOf(s, 1);
    expect(intents).to.deep.equal([
      { kind: "buyCurveWithQuote", quoteIn: 100n * QUOTE, minOut: 0n, note: "strategy s: 1% of my quote" },
      { kind: "swap", sell: "token", amountIn: TOKEN, minOut: 1n, priorityFeeWei: 7n, note: "strategy s" },
    ]);
  });

  it("keeps the strategy's state across steps and shows it last step's outcomes", async function () {
    const s = make(`let calls = 0; let seen = [];
      function step(obs) { calls++; seen.push(obs.outcomes.map((o) => o.kind + ":" + o.status).join(",")); return calls === 3 ? [{ kind: "releaseVested", note: seen.join("|") + "#" + calls }] : []; }`);
    const ctx = context(1n);
    await s.step(observation({ step: 1 }), ctx);
    s.settle!({
      step: 1,
      outcomes: [{ intent: { kind: "releaseVested" }, status: "reverted", gasUsed: 21_000n, gasCostWei: 0n }],
      self: observation().self,
      curvePriceWad: 0n,
      poolPriceWad: 0n,
    });
    await s.step(observation({ step: 2 }), ctx);
    const third = await s.step(observation({ step: 3 }), ctx);
    expect(third).to.deep.equal([{ kind: "releaseVested", note: "strategy s: |releaseVested:reverted|#3" }]);
  });

  it("shows the whole price history every step, as the World keeps it (growing, then sliding)", async function () {
    const s = make(
      `function step(obs) { return [{ kind: "releaseVested", note: obs.history.curve.join(",") + "|" + obs.history.pool.join(",") }]; }`,
    );
    const ctx = context(1n);
    const curve: bigint[] = [];
    const pool: bigint[] = [];
    for (let step = 1; step <= 8; step++) {
      const obs = observation({ step, history: { curve: curve.slice(), pool: pool.slice() } });
      const [intent] = await s.step(obs, ctx);
      expect(intent!.note).to.equal(`strategy s: ${curve.join(",")}|${pool.join(",")}`);
      curve.push(BigInt(step) * 10n ** 16n);
      pool.push(BigInt(step % 3) * 7n);
      if (curve.length > 3) curve.shift();
      if (step === 5) pool.splice(0); // a history that does not follow the last goes whole
      if (pool.length > 3) pool.shift();
    }
  });

  it("draws rng() and Math.random from the agent's seeded stream, and has no clock", async function () {
    const code = `function step() { return [{ kind: "releaseVested", note: [rng(), Math.random(), typeof Date, typeof performance].join(" ") }]; }`;
    const notes = async (seed: bigint) => (await stepsOf(make(code), 3, seed)).map((step) => step[0]!.note);
    const expected = (seed: bigint) => {
      const rng = new Random(seed);
      return [1, 2, 3].map(() => `strategy s: ${rng.unit()} ${rng.unit()} undefined undefined`);
    };
    expect(await notes(5n)).to.deep.equal(expected(5n));
    expect(await notes(6n)).to.deep.equal(expected(6n));
    expect(await notes(5n)).to.not.deep.equal(await notes(6n));
  });

  it("quotes exactly at the step's state, and a quote the contract would refuse is an Error the code can catch", async function () {
    const s = make(`function step(obs) {
      const buy = quote.curveBuyWithQuote("1000000");
      const sell = quote.curveSell("1000000000000000000");
      const pool = quote.poolOut("quote", "1000000");
      let refused = "";
      try { quote.curveSell("1" + "0".repeat(40)); } catch (e) { refused = e.message; }
      return [{ kind: "releaseVested", note: [buy.amount, buy.fee, sell.refund, pool.amountOut, refused.length > 0].join(" ") }];
    }`);
    const obs = observation({ step: 1 });
    const market = MarketModel.fromCurveState(obs.curve, 6);
    const buy = market.quoteBuyExactQuote(QUOTE);
    const sell = market.quoteSell(TOKEN);
    const [[intent]] = await stepsOf(s, 1);
    const { poolAmountOut } = await import("../agents/mechanisms/pool/quotes.ts");
    expect(intent!.note).to.equal(
      `strategy s: ${buy.amount} ${buy.fee} ${sell.refund} ${poolAmountOut(obs.pool, "quote", QUOTE)} true`,
    );
  });

  describe("hostile code", function () {
    it("stops an endless loop at its work budget, names the agent and the step, and runs the next step", async function () {
      const s = make(
        `let n = 0; function step() { n++; if (n === 2) { for (;;) {} } return [{ kind: "releaseVested" }]; }`,
      );
      const steps = await stepsOf(s, 3);
      expect(steps.map((step) => step.length)).to.deep.equal([1, 0, 1]);
      expect(s.failureCount).to.equal(1);
      expect(s.failures[0]!.kind).to.equal("work");
      expect(s.failures[0]!.message).to.match(
        /^strategy "s" of agent agent, step 2: the code ran past its work budget/,
      );
      expect(s.failures[0]!.message).to.contain("the agent skips this step");
      expect(reported.map((e) => e.step)).to.deep.equal([2]);
    });

    it("stops an endless loop at the same point every run (work, not time)", async function () {
      // The loop's progress when stopped is the same on every run: the strategy reads it in the next step.
      const progress = async () => {
        const s = make(
          `let i = 0; function step(obs) { if (obs.step === 1) { for (;;) { i++; } } return [{ kind: "releaseVested", note: String(i) }]; }`,
        );
        const steps = await stepsOf(s, 2);
        return steps[1]![0]!.note;
      };
      const first = await progress();
      expect(first).to.match(/^strategy s: [1-9][0-9]+$/);
      expect(await progress()).to.equal(first);
    });

    it("stops memory bombs at the memory cap (the process does not grow past it) and keeps the next step", async function () {
      const bombs = [
        "const a = []; for (;;) a.push(new Array(1000).fill(1));",
        'const a = []; for (let i = 0; ; i++) a.push("x".repeat(100000) + i);',
        "const a = []; for (;;) a.push(new Uint8Array(1 << 20));",
        "const big = new ArrayBuffer(1 << 30);",
      ];
      for (const bomb of bombs) {
        const before = process.memoryUsage().rss;
        const s = make(`function step(obs) { if (obs.step === 1) { ${bomb} } return [{ kind: "releaseVested" }]; }`, {
          workPerStep: 100_000,
        });
        const steps = await stepsOf(s, 2);
        expect(
          steps.map((step) => step.length),
          bomb,
        ).to.deep.equal([0, 1]);
        expect(s.failures[0]!.kind, bomb).to.equal("memory");
        expect(s.failures[0]!.message, bomb).to.contain("ran out of its 20 MiB of memory");
        expect(process.memoryUsage().rss - before, bomb).to.be.below(200 * 1024 * 1024);
        s.dispose();
      }
    });

    it("gives no way to the host: no process, require, host functions or Function tricks", async function () {
      const probes = [
        "process.exit(1)",
        'require("fs")',
        'globalThis.constructor.constructor("return process")().exit(1)',
        '(function(){ return this })().process.mainModule.require("child_process")',
        "__hostQuote('curveSell', '1')",
        "eval('Date.now()')",
      ];
      for (const probe of probes) {
        const s = make(`function step() { return ${probe}; }`);
        await stepsOf(s, 1);
        expect(
          s.failures.map((f) => f.kind),
          probe,
        ).to.deep.equal(["threw"]);
        expect(s.failures[0]!.message, probe).to.match(/the code threw (ReferenceError|TypeError|SyntaxError)/);
      }
      expect(process.exitCode ?? 0).to.equal(0);
    });

    it("keeps prototype tampering inside the sandbox, and the step wrapper's JSON its own", async function () {
      const s = make(`Object.prototype.polluted = "yes"; Array.prototype.push = null; JSON.parse = () => ({ step: -1 });
        function step(obs) { return [{ kind: "releaseVested", note: String(obs.step) }]; }`);
      const steps = await stepsOf(s, 2);
      expect(steps.map((step) => step[0]?.note)).to.deep.equal(["strategy s: 1", "strategy s: 2"]);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(typeof Array.prototype.push).to.equal("function");
    });

    it("refuses huge output and intents that are not valid, naming the field", async function () {
      const huge = make(`function step() { return [{ kind: "releaseVested", note: "x".repeat(200000) }]; }`);
      await stepsOf(huge, 1);
      expect(huge.failures[0]!.kind).to.equal("output");
      expect(huge.failures[0]!.message).to.contain("more than 65,536");

      const cases: [string, RegExp][] = [
        [`[{ kind: "swap", sell: "quote", amountIn: 5, minOut: "0" }]`, /intent \[0\]\.amountIn/],
        [`[{ kind: "mint", amount: "1" }]`, /intent \[0\]\.kind/],
        [`[{ kind: "sellCurve", amount: "-1", minRefund: "0" }]`, /intent \[0\]\.amount/],
        [`[{ kind: "releaseVested", extra: 1 }]`, /intent \[0\]/],
        [`"buy"`, /instead of an array of intents/],
        [`Array(40).fill({ kind: "releaseVested" })`, /40 intents, more than 32/],
      ];
      for (const [answer, pattern] of cases) {
        const s = make(`function step() { return ${answer}; }`);
        const [intents] = await stepsOf(s, 1);
        expect(intents, answer).to.deep.equal([]);
        expect(s.failures[0]!.kind, answer).to.equal("intents");
        expect(s.failures[0]!.message, answer).to.match(pattern);
      }
    });

    it("overflows the stack of endless recursion, and code that does not load fails every step at once", async function () {
      const deep = make(`function f(n) { return f(n + 1) + 1; } function step() { return f(0); }`, {
        workPerStep: 100_000,
      });
      await stepsOf(deep, 1);
      expect(deep.failures[0]!.kind).to.equal("stack");

      const broken = make(`function step( { return [] }`);
      await stepsOf(broken, 3);
      expect(broken.failures.map((f) => f.kind)).to.deep.equal(["load", "load", "load"]);
      expect(broken.failures[0]!.message).to.contain("could not be loaded: SyntaxError");
      expect(reported.length).to.equal(2); // the load failure and the stack overflow; the repeats only count

      const module = await syntaxEngine();
      expect(syntaxProblem(module, `function step( { return [] }`, "x.js")).to.match(/^SyntaxError: .* at line 1/);
      expect(syntaxProblem(module, `function step() { return []; }`, "x.js")).to.equal(undefined);
    });
  });

  describe("in a scenario", function () {
    let dir: string;
    before(function () {
      dir = mkdtempSync(join(tmpdir(), "arena-strategy-"));
      writeFileSync(join(dir, "gap.js"), `function step() { return []; }`);
    });
    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    const scenario = (behaviour: Record<string, unknown>) => ({
      name: "s",
      seed: 1,
      blocks: 10,
      agents: [{ id: "writer", funds: { quote: "100" }, behaviours: [{ kind: "strategy", ...behaviour }] }],
    });

    it("reads the file relative to the scenario file, with the sandbox's limits", function () {
      const read = parseScenario(scenario({ file: "gap.js", memoryMiB: 64 }), join(dir, "s.yaml"));
      expect(read.agents[0]!.behaviours[0]).to.deep.include({
        kind: "strategy",
        label: "strategy",
        file: "gap.js",
        code: "function step() { return []; }",
        memoryMiB: 64,
        workPerStep: 200,
      });
    });

    it("reads the ready-made example scenario, whose strategy sits beside it", async function () {
      const example = await loadScenario("strategies/examples/gap-trader.yaml");
      const writer = example.agents.find((a) => a.id === "writer")!;
      expect(writer.behaviours[0]).to.deep.include({ kind: "strategy", file: "gap-trader.js", code: readExample() });
      const run = await runModelBattle(example, { blocks: 30 });
      expect(run.summary.leaderboard.map((e) => e.agent)).to.include("writer");
    });

    it("refuses a missing file, a path that is no .js file and limits out of range, each with its fix", function () {
      const problems = (behaviour: Record<string, unknown>) => {
        try {
          parseScenario(scenario(behaviour), join(dir, "s.yaml"));
        } catch (error) {
          expect(error).to.be.instanceOf(ScenarioError);
          return (error as Error).message;
        }
        throw new Error("the scenario was accepted");
      };
      const missing = problems({ file: "gen-9.js" });
      expect(missing).to.contain("agents[0].behaviours[0].file");
      expect(missing).to.contain(`no file at ${join(dir, "gen-9.js")}`);
      expect(missing).to.contain("bin/arena strategy init");
      expect(problems({ file: "gap.ts" })).to.contain("ending in .js");
      expect(problems({ file: "gap.js", memoryMiB: 16 })).to.contain("memoryMiB");
      expect(problems({ file: "gap.js", workPerStep: 1e9 })).to.contain("workPerStep");
      expect(problems({})).to.contain("behaviours[0].file");
    });
  });

  describe("in battles", function () {
    this.timeout(240_000);
    let dir: string;
    before(function () {
      dir = mkdtempSync(join(tmpdir(), "arena-strategy-battle-"));
      writeFileSync(join(dir, "gap-trader.js"), readExample());
    });
    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    function battleScenario() {
      const document = {
        name: "strategy-battle",
        genesis: "genesis/default.json",
        seed: 7,
        blocks: 40,
        agents: [
          {
            id: "noise",
            count: 4,
            funds: { quote: "2000", tokens: "20000" },
            behaviours: [
              {
                kind: "noise",
                slippageBps: 300,
                venues: ["curve", "pool"],
                ratePerStep: 0.5,
                minQuote: "5",
                maxQuote: "80",
              },
            ],
          },
          {
            id: "writer",
            funds: { quote: "1000", tokens: "50000" },
            behaviours: [{ kind: "strategy", file: "gap-trader.js" }],
          },
        ],
      };
      return parseScenario(document, join(dir, "strategy-battle.yaml"));
    }

    it("gives the same results for the same seed on the model, and the same market on the chain", async function () {
      const scenario = battleScenario();
      const a = await runModelBattle(scenario);
      const b = await runModelBattle(scenario);
      expect(a.summary).to.deep.equal(b.summary);
      const writer = a.summary.leaderboard.find((e) => e.agent === "writer")!;
      expect(writer.txs, "the example strategy traded").to.be.greaterThan(0);
      const other = await runModelBattle(scenario, { seed: 8n });
      expect(other.steps.map((r) => r.poolPriceWad)).to.not.deep.equal(a.steps.map((r) => r.poolPriceWad));

      const out = join(dir, "chain-run");
      const chain = await runBattle(hre, { scenario, out, quiet: true, noReport: true });
      const rows = await readStepsCsv(join(out, "steps.csv"));
      expect(rows.map((r) => [r.curvePriceWad, r.poolPriceWad, r.supply, r.reserve])).to.deep.equal(
        a.steps.map((r) => [r.curvePriceWad, r.poolPriceWad, r.supply, r.reserve]),
      );
      // The run's end freed the writer's sandbox: its behaviour opens a fresh one if stepped again.
      const writerAgent = chain.world.agentById("writer")!;
      const strategy = writerAgent.behaviours[0]!.behaviour as StrategyBehaviour;
      expect(strategy.kind).to.equal("strategy");
      expect(strategy.sandboxOpen).to.equal(false);
      const onChain = chain.summary.leaderboard.find((e) => e.agent === "writer")!;
      expect([onChain.txs, onChain.reverts, onChain.tokens, onChain.quote]).to.deep.equal([
        writer.txs,
        writer.reverts,
        writer.tokens,
        writer.quote,
      ]);
    });
  });
});

/** The ready-made example, so the test runs what a user would start from. */
function readExample(): string {
  return readFileSync("strategies/examples/gap-trader.js", "utf8");
}
