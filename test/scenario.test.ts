import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { parse as parseYaml } from "yaml";

import { loadGenesis } from "../agents/inputs/genesis.ts";
import { BEHAVIOUR_REGISTRY, type BehaviourConfig } from "../agents/behaviours/registry.ts";
import {
  DEFAULT_START_TIME,
  loadScenario,
  parseScenario,
  ScenarioError,
  type ScenarioIssue,
} from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { deployGenesis } from "./fixtures.ts";
import { behaviourReference, behaviourSection } from "./helpers/behaviour-reference.ts";

const TOKEN = 10n ** 18n;
const QUOTE = 10n ** 6n;
const GWEI = 10n ** 9n;

const READY_MADE = [
  "arbitrage-war",
  "calm",
  "classic-daily",
  "classic",
  "front-running",
  "governance-apathy",
  "governance-guardian",
  "governance-late-votes",
  "governance-whale",
  "governance",
  "launch",
  "llm-traders",
  "regime-change",
  "staking",
  "whale-dump",
];

/** A small valid scenario; tests change one thing in it. */
function base(): Record<string, any> {
  return {
    name: "test",
    seed: 1,
    blocks: 10,
    agents: [
      {
        id: "noise",
        count: 2,
        funds: { quote: "1000", tokens: "100" },
        behaviours: [{ kind: "noise", venues: ["curve", "pool"], ratePerStep: 0.2, minQuote: "5", maxQuote: "50" }],
      },
      { id: "arb", behaviours: [{ kind: "arbitrageur", minProfitQuote: "0.5", maxTradeQuote: "500" }] },
    ],
  };
}

function mutated(change: (s: Record<string, any>) => void): Record<string, any> {
  const s = base();
  change(s);
  return s;
}

/** The scenario's one behaviour at agents[1] replaced by `behaviour`. */
function withBehaviour(behaviour: Record<string, unknown>, top: Record<string, unknown> = {}): Record<string, any> {
  return mutated((s) => {
    s.agents[1].behaviours = [behaviour];
    Object.assign(s, top);
  });
}

function behaviourOf(input: Record<string, any>): BehaviourConfig {
  return parseScenario(input, "test.yaml").agents.find((a) => a.id === "arb")!.behaviours[0];
}

function issuesOf(input: unknown): ScenarioIssue[] {
  try {
    parseScenario(input, "test.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioError);
    return (error as ScenarioError).issues;
  }
  return expect.fail("parseScenario accepted a bad scenario");
}

/** The input has exactly one problem, at `path`, whose expectation mentions `expected`. */
function expectIssue(input: unknown, path: string, expected: string, got?: string): ScenarioIssue {
  const issues = issuesOf(input);
  expect(
    issues.map((i) => i.path),
    JSON.stringify(issues, null, 1),
  ).to.deep.equal([path]);
  expect(issues[0].expected).to.contain(expected);
  if (got !== undefined) expect(issues[0].got).to.equal(got);
  return issues[0];
}

async function rejection(promise: Promise<unknown>): Promise<ScenarioError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioError);
    return error as ScenarioError;
  }
  return expect.fail("expected a ScenarioError");
}

function withoutSource(scenario: Scenario): Omit<Scenario, "source"> {
  const { source: _source, ...rest } = scenario;
  return rest;
}

let scratch: string;
before(async function () {
  scratch = await mkdtemp(join(tmpdir(), "arena-scenario-"));
});
after(async function () {
  await rm(scratch, { recursive: true, force: true });
});

describe("scenario files", function () {
  describe("the ready-made scenarios", function () {
    it("are the documented ones, and each parses, on a genesis that loads, cheap enough for a quick battle", async function () {
      const files = (await readdir("scenarios")).filter((f) => f.endsWith(".yaml")).sort();
      expect(files).to.deep.equal(READY_MADE.map((name) => `${name}.yaml`));
      const readme = await readFile("scenarios/README.md", "utf8");
      for (const file of files) {
        const scenario = await loadScenario(`scenarios/${file}`);
        expect(scenario.name, file).to.equal(basename(file, ".yaml"));
        expect(readme, file).to.contain(`\`${file}\``);
        expect(scenario.blocks, file).to.be.within(1, 1000);
        expect(scenario.agents.length, file).to.be.within(2, 30);
        await loadGenesis(scenario.genesis);
      }
    });

    it("puts front-runners only in priority mode, and the launch's team on its genesis vesting accounts", async function () {
      const frontRunning = await loadScenario("scenarios/front-running.yaml");
      expect(frontRunning.mode).to.equal("priority");
      expect(frontRunning.agents.flatMap((a) => a.behaviours.map((b) => b.kind))).to.include("frontRunner");
      expect((await loadScenario("scenarios/arbitrage-war.yaml")).mode).to.equal("priority");

      const launch = await loadScenario("scenarios/launch.yaml");
      const team = launch.agents.filter((a) => a.behaviours[0].kind === "vestingBeneficiary");
      expect(team.map((a) => a.wallet)).to.deep.equal([3, 4, 5].map((index) => ({ kind: "account", index })));
    });

    it("reads calm.yaml into exact contract units, with defaults filled in", async function () {
      const calm = await loadScenario("scenarios/calm.yaml");
      expect(withoutSource(calm)).to.deep.include({
        genesis: "genesis/default.json",
        seed: 1n,
        blocks: 300,
        mode: "sequential",
        blockSeconds: 12,
        policy: "calm",
        startTime: DEFAULT_START_TIME,
        gas: { priorityFeeWei: 1n * GWEI, ethPriceQuote: 3000n * QUOTE },
        output: { agentEvery: 1, historyLength: 64 },
      });
      expect(calm.agents.map((a) => a.id)).to.deep.equal([
        ...[1, 2, 3, 4, 5, 6, 7, 8].map((k) => `noise-${k}`),
        "lp",
        "arb",
        "momentum-1",
        "momentum-2",
        "reversion-1",
        "reversion-2",
        "bandit",
      ]);
      expect(calm.agents[0]).to.deep.equal({
        id: "noise-1",
        wallet: { kind: "derived" },
        funds: { quote: 2000n * QUOTE, tokens: 20_000n * TOKEN },
        behaviours: [
          {
            kind: "noise",
            label: "noise",
            slippageBps: 300,
            venues: ["curve", "pool"],
            ratePerStep: 0.2,
            minQuote: 5n * QUOTE,
            maxQuote: 50n * QUOTE,
            buyProbability: 0.5,
          },
        ],
      });
      const bandit = calm.agents.at(-1)!.behaviours[0];
      expect(bandit.kind).to.equal("bandit");
      if (bandit.kind !== "bandit") return;
      expect(bandit.algorithm).to.equal("ucb1");
      expect(bandit.arms.map((arm) => arm.label)).to.deep.equal(["trend", "revert", "curve-trend"]);
      expect(bandit.arms[0]).to.deep.equal({
        kind: "momentum",
        label: "trend",
        slippageBps: 100,
        venue: "pool",
        lookbackSteps: 10,
        triggerBps: 150,
        tradeQuote: 30n * QUOTE,
        cooldownSteps: 0,
      });
    });

    it("give the same Scenario from JSON as from YAML", async function () {
      for (const name of READY_MADE) {
        const yaml = await loadScenario(`scenarios/${name}.yaml`);
        const jsonPath = join(scratch, `${name}.json`);
        await writeFile(jsonPath, JSON.stringify(parseYaml(await readFile(`scenarios/${name}.yaml`, "utf8")), null, 2));
        const json = await loadScenario(jsonPath);
        expect(json.source).to.equal(jsonPath);
        expect(withoutSource(json), name).to.deep.equal(withoutSource(yaml));
      }
    });
  });

  describe("units and defaults", function () {
    it("converts prices, tokens, quote and gwei exactly, with no floating point", function () {
      const threshold = behaviourOf(
        withBehaviour({
          kind: "threshold",
          venue: "pool",
          buyBelow: "0.012",
          sellAbove: "0.100000000000000001",
          amount: "100.000000000000000001",
          priorityFeeGwei: "1.5",
        }),
      );
      expect(threshold).to.deep.equal({
        kind: "threshold",
        label: "threshold",
        slippageBps: 100,
        priorityFeeWei: 1_500_000_000n,
        venue: "pool",
        buyBelowWad: 12n * 10n ** 15n,
        sellAboveWad: 10n ** 17n + 1n,
        amount: 100n * TOKEN + 1n,
        cooldownSteps: 0,
      });
      const arb = behaviourOf(
        withBehaviour({ kind: "arbitrageur", minProfitQuote: "0.000001", maxTradeQuote: "250.5" }),
      );
      expect(arb).to.deep.include({ minProfitQuote: 1n, maxTradeQuote: 250_500_000n });
      const agent = parseScenario(
        mutated((s) => (s.agents[1].funds = { quote: "12345678901234567890.123456", tokens: "0.000000000000000001" })),
        "t.yaml",
      ).agents[2];
      expect(agent.funds).to.deep.equal({ quote: 12_345_678_901_234_567_890_123_456n, tokens: 1n });
    });

    it("accepts bare whole numbers for amounts, and refuses fractions written as numbers with the fix", function () {
      expect(
        behaviourOf(withBehaviour({ kind: "arbitrageur", minProfitQuote: 0, maxTradeQuote: 500 })),
      ).to.deep.include({ minProfitQuote: 0n, maxTradeQuote: 500n * QUOTE });
      const issue = expectIssue(
        withBehaviour({ kind: "threshold", venue: "pool", buyBelow: 0.012, amount: "1" }),
        "agents[1].behaviours[0].buyBelow",
        "quote per token",
        "0.012",
      );
      expect(issue.fix).to.equal(
        'write it as a string, "0.012": a number with a fraction is a binary float, a string converts exactly',
      );
    });

    it("fills in the documented defaults", function () {
      const s = parseScenario(base(), "t.yaml");
      expect(withoutSource(s)).to.deep.include({
        description: "",
        genesis: "genesis/default.json",
        mode: "sequential",
        blockSeconds: 12,
        policy: "test",
        startTime: 1_767_225_600,
        gas: { priorityFeeWei: GWEI, ethPriceQuote: 3000n * QUOTE },
        output: { agentEvery: 1, historyLength: 64 },
      });
      expect(s.agents[2]).to.deep.equal({
        id: "arb",
        wallet: { kind: "derived" },
        funds: { quote: 0n, tokens: 0n },
        behaviours: [
          {
            kind: "arbitrageur",
            label: "arbitrageur",
            slippageBps: 100,
            minProfitQuote: 500_000n,
            maxTradeQuote: 500n * QUOTE,
          },
        ],
      });
      const whale = behaviourOf(
        withBehaviour({ kind: "whale", venue: "curve", side: "sell", everySteps: 5, sellFractionBps: 1000 }),
      );
      expect(whale).to.deep.include({ startStep: 1, buyQuote: 0n, sellFractionBps: 1000 });
      const bandit = behaviourOf(
        withBehaviour({
          kind: "bandit",
          algorithm: "epsilonGreedy",
          periodSteps: 5,
          arms: [{ kind: "arbitrageur", minProfitQuote: "0", maxTradeQuote: "1" }],
        }),
      );
      expect(bandit).to.deep.include({ epsilon: 0.1 });
    });

    it("reads seeds as bigint up to 2^64 - 1, start times as ISO dates or unix seconds, and the top-level options", function () {
      const s = parseScenario(
        mutated((s) => {
          s.seed = "18446744073709551615";
          s.startTime = "2026-01-01T08:30:00+02:00";
          s.mode = "priority";
          s.blockSeconds = 86400;
          s.policy = "tuned";
          s.gas = { priorityFeeGwei: "0.5", ethPriceQuote: "2500.25" };
          s.output = { agentEvery: 10, historyLength: 200 };
        }),
        "t.yaml",
      );
      expect(s.seed).to.equal(2n ** 64n - 1n);
      expect(s.startTime).to.equal(DEFAULT_START_TIME + 6 * 3600 + 30 * 60);
      expect(s).to.deep.include({
        mode: "priority",
        blockSeconds: 86400,
        policy: "tuned",
        output: { agentEvery: 10, historyLength: 200 },
      });
      expect(s.gas).to.deep.equal({ priorityFeeWei: 500_000_000n, ethPriceQuote: 2_500_250_000n });
      expect(
        parseScenario(
          mutated((s) => (s.startTime = 1_800_000_000)),
          "t.yaml",
        ).startTime,
      ).to.equal(1_800_000_000);
      expect(
        parseScenario(
          mutated((s) => (s.startTime = "2026-03-01")),
          "t.yaml",
        ).startTime,
      ).to.equal(DEFAULT_START_TIME + 59 * 86400);
    });

    it("expands count into <id>-1 … <id>-N, each copy with its own behaviour configs", function () {
      const s = parseScenario(
        mutated((s) => (s.agents[0].count = 3)),
        "t.yaml",
      );
      expect(s.agents.map((a) => a.id)).to.deep.equal(["noise-1", "noise-2", "noise-3", "arb"]);
      expect(s.agents[0].funds).to.deep.equal({ quote: 1000n * QUOTE, tokens: 100n * TOKEN });
      expect(s.agents[2].behaviours).to.deep.equal(s.agents[0].behaviours);
      (s.agents[0].behaviours[0] as { ratePerStep: number }).ratePerStep = 9;
      expect((s.agents[1].behaviours[0] as { ratePerStep: number }).ratePerStep).to.equal(0.2);
      expect(
        parseScenario(
          mutated((s) => (s.agents[0].count = 1)),
          "t.yaml",
        ).agents[0].id,
      ).to.equal("noise-1");
    });
  });

  describe("mistakes", function () {
    it("names the file, the path, what was expected and what it got", function () {
      try {
        parseScenario(
          withBehaviour({ kind: "momentum", venue: "pool", lookbackSteps: 10, triggerBps: 10_001, tradeQuote: "30" }),
          "scenarios/mine.yaml",
        );
        expect.fail("accepted");
      } catch (error) {
        expect((error as Error).message).to.equal(
          "scenarios/mine.yaml: agents[1].behaviours[0].triggerBps: expected an integer number of bps from 0 to 10000, got 10001",
        );
      }
    });

    it("rejects unknown fields, suggesting the closest allowed name", function () {
      const issue = expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].buyProbabilty = 0.6)),
        "agents[0].behaviours[0].buyProbabilty",
        "one of the fields kind, venues",
        "an unknown field",
      );
      expect(issue.fix).to.equal("did you mean buyProbability?");
      expect(
        expectIssue(
          mutated((s) => (s.Blocks = 5)),
          "Blocks",
          "one of the fields name, seed, blocks",
        ).fix,
      ).to.equal("did you mean blocks?");
      expect(
        expectIssue(
          mutated((s) => (s.agents[1].fund = {})),
          "agents[1].fund",
          "one of the fields id, behaviours, count, wallet, funds",
        ).fix,
      ).to.equal("did you mean funds?");
      expect(
        expectIssue(
          mutated((s) => (s.gas = { priorityFee: "2" })),
          "gas.priorityFee",
          "priorityFeeGwei",
        ).fix,
      ).to.equal("did you mean priorityFeeGwei?");
      const kind = expectIssue(
        withBehaviour({ kind: "meanreversion" }),
        "agents[1].behaviours[0].kind",
        '"meanReversion"',
      );
      expect(kind.fix).to.equal('did you mean "meanReversion"?');
      expect(
        expectIssue(
          mutated((s) => (s.agents[1].behaviours[0].color = "red")),
          "agents[1].behaviours[0].color",
          "maxTradeQuote",
        ).fix,
      ).to.equal(undefined);
    });

    it("names each missing required field", function () {
      expectIssue(
        mutated((s) => delete s.blocks),
        "blocks",
        "a value for this required field",
        "nothing",
      );
      expectIssue(
        mutated((s) => delete s.agents[1].id),
        "agents[1].id",
        "required",
      );
      expectIssue(
        withBehaviour({ kind: "arbitrageur", minProfitQuote: "1" }),
        "agents[1].behaviours[0].maxTradeQuote",
        "required",
      );
      expectIssue(
        withBehaviour({ venue: "pool" }),
        "agents[1].behaviours[0].kind",
        "the behaviour's kind, one of threshold, noise",
      );
      expectIssue(
        withBehaviour({
          kind: "vestingBeneficiary",
          venue: "pool",
          claimEverySteps: 5,
          sell: { mode: "schedule", fractionBps: 100 },
        }),
        "agents[1].behaviours[0].sell.everySteps",
        "required",
      );
    });

    it("rejects values of the wrong type", function () {
      expectIssue(
        mutated((s) => (s.blocks = "10")),
        "blocks",
        "a whole number of blocks",
        '"10"',
      );
      expectIssue(
        mutated((s) => (s.agents = { noise: {} })),
        "agents",
        "an array of agents",
        "an object",
      );
      expectIssue(
        mutated((s) => (s.agents[1].behaviours = { kind: "arbitrageur" })),
        "agents[1].behaviours",
        "an array of behaviours",
        "an object",
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].venues = "pool")),
        "agents[0].behaviours[0].venues",
        'an array of "curve" and/or "pool"',
        '"pool"',
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].ratePerStep = "0.2")),
        "agents[0].behaviours[0].ratePerStep",
        "a mean number of trades per step",
        '"0.2"',
      );
      expectIssue(
        mutated((s) => (s.agents[1].behaviours[0].maxTradeQuote = true)),
        "agents[1].behaviours[0].maxTradeQuote",
        "a decimal string of whole quote",
        "true",
      );
      expectIssue("name: x", "(top level)", "an object with the fields name, seed");
    });

    it("checks decimal strings: no commas, signs, exponents or more decimals than the unit holds", function () {
      const path = "agents[1].behaviours[0].maxTradeQuote";
      for (const bad of ["1,5", "-1", "1e3", " 1", "", "0x10", "1."]) {
        expectIssue(
          mutated((s) => (s.agents[1].behaviours[0].maxTradeQuote = bad)),
          path,
          "a decimal string of whole quote",
          JSON.stringify(bad),
        );
      }
      expectIssue(
        mutated((s) => (s.agents[1].behaviours[0].maxTradeQuote = "0.0000001")),
        path,
        "with at most 6 decimal places",
      );
      expectIssue(
        mutated((s) => (s.agents[1].behaviours[0].maxTradeQuote = "0")),
        path,
        "greater than 0",
        '"0"',
      );
      expectIssue(
        withBehaviour({ kind: "threshold", venue: "pool", buyBelow: "0.0000000000000000001", amount: "1" }),
        "agents[1].behaviours[0].buyBelow",
        "with at most 18 decimal places",
      );
      expectIssue(
        withBehaviour({ kind: "threshold", venue: "pool", buyBelow: "1000001", amount: "1" }),
        "agents[1].behaviours[0].buyBelow",
        "at most 1000000",
      );
      expectIssue(
        mutated((s) => (s.gas = { priorityFeeGwei: "0.0000000001" })),
        "gas.priorityFeeGwei",
        "with at most 9 decimal places",
      );
    });

    it("checks ranges: bps 0..10000, probabilities 0..1, rates ≥ 0, periods ≥ 1", function () {
      const momentum = { kind: "momentum", venue: "pool", lookbackSteps: 10, triggerBps: 200, tradeQuote: "30" };
      expectIssue(
        withBehaviour({ ...momentum, triggerBps: 10_001 }),
        "agents[1].behaviours[0].triggerBps",
        "from 0 to 10000",
        "10001",
      );
      expectIssue(
        withBehaviour({ ...momentum, triggerBps: 1.5 }),
        "agents[1].behaviours[0].triggerBps",
        "an integer number of bps",
      );
      expectIssue(
        withBehaviour({ ...momentum, slippageBps: -1 }),
        "agents[1].behaviours[0].slippageBps",
        "from 0 to 10000",
        "-1",
      );
      expectIssue(
        withBehaviour({ ...momentum, lookbackSteps: 0 }),
        "agents[1].behaviours[0].lookbackSteps",
        "at least 1",
        "0",
      );
      expectIssue(
        withBehaviour({ ...momentum, cooldownSteps: -2 }),
        "agents[1].behaviours[0].cooldownSteps",
        "0 or more",
        "-2",
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].buyProbability = 1.1)),
        "agents[0].behaviours[0].buyProbability",
        "a probability from 0 to 1",
        "1.1",
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].ratePerStep = -0.1)),
        "agents[0].behaviours[0].ratePerStep",
        "from 0 to 100",
        "-0.1",
      );
      expectIssue(
        mutated((s) => (s.blocks = 0)),
        "blocks",
        "from 1 to 10000000",
        "0",
      );
      expectIssue(
        mutated((s) => (s.blockSeconds = 0)),
        "blockSeconds",
        "from 1",
        "0",
      );
      expectIssue(
        mutated((s) => (s.output = { agentEvery: 0 })),
        "output.agentEvery",
        "at least 1",
        "0",
      );
      expectIssue(
        mutated((s) => (s.agents[0].count = 0)),
        "agents[0].count",
        "from 1 to 1000",
        "0",
      );
    });

    it("rejects duplicate ids, also those that count expansion produces", function () {
      expectIssue(
        mutated((s) => (s.agents[1].id = "noise-2")),
        "agents[1].id",
        "an id no other agent has",
        '"noise-2", which agents[0] also gives',
      );
      expectIssue(
        mutated((s) => s.agents.push({ ...s.agents[1] })),
        "agents[2].id",
        "an id no other agent has",
        '"arb", which agents[1] also gives',
      );
      // Without a count, "noise" stands for itself and does not clash with noise-1.
      expect(
        parseScenario(
          mutated((s) => (s.agents[1].id = "noise")),
          "t.yaml",
        ).agents.map((a) => a.id),
      ).to.deep.equal(["noise-1", "noise-2", "noise"]);
    });

    it("checks ids, names and wallets", function () {
      expectIssue(
        mutated((s) => (s.agents[1].id = "arb one")),
        "agents[1].id",
        'letters, digits, "_" or "-"',
        '"arb one"',
      );
      expectIssue(
        mutated((s) => (s.name = "my/run")),
        "name",
        'letters, digits, "_" or "-"',
      );
      expectIssue(
        mutated((s) => (s.agents[1].behaviours[0].label = "arb,1")),
        "agents[1].behaviours[0].label",
        "a label",
      );
      expectIssue(
        mutated((s) => (s.agents[1].wallet = "0x1234")),
        "agents[1].wallet",
        '"derived"',
        '"0x1234"',
      );
      const shared = mutated((s) => {
        s.agents[1].wallet = "account:7";
        s.agents.push({ id: "arb2", wallet: "account:7", behaviours: s.agents[1].behaviours });
      });
      expectIssue(shared, "agents[2].wallet", "a wallet no other agent uses", '"account:7", which agents[1] uses');
      expectIssue(
        mutated((s) => (s.agents[0].wallet = "account:7")),
        "agents[0].count",
        "no count with an account wallet",
      );
      expect(
        parseScenario(
          mutated((s) => (s.agents[1].wallet = "account:7")),
          "t.yaml",
        ).agents[2].wallet,
      ).to.deep.equal({ kind: "account", index: 7 });
    });

    it("needs quote to pay for the tokens an agent buys at set-up", function () {
      expectIssue(
        mutated((s) => (s.agents[1].funds = { tokens: "10" })),
        "agents[1].funds.quote",
        "quote to pay for the tokens",
        "nothing",
      );
    });

    it("needs a threshold trader to have buyBelow or sellAbove, and buyBelow below sellAbove", function () {
      const threshold = { kind: "threshold", venue: "curve", amount: "100" };
      expectIssue(
        withBehaviour(threshold),
        "agents[1].behaviours[0].buyBelow",
        "buyBelow, sellAbove or both",
        "neither",
      );
      expectIssue(
        withBehaviour({ ...threshold, buyBelow: "0.02", sellAbove: "0.02" }),
        "agents[1].behaviours[0].sellAbove",
        'a price above buyBelow ("0.02")',
        '"0.02"',
      );
      expect(behaviourOf(withBehaviour({ ...threshold, sellAbove: "0.02" }))).to.not.have.property("buyBelowWad");
    });

    it("needs noise sizes with min ≤ max, and each venue once", function () {
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].maxQuote = "4.99")),
        "agents[0].behaviours[0].maxQuote",
        'at least minQuote ("5")',
        '"4.99"',
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].venues = [])),
        "agents[0].behaviours[0].venues",
        'one or both of "curve", "pool"',
        "an empty list",
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].venues = ["pool", "pool"])),
        "agents[0].behaviours[0].venues",
        "each venue at most once",
      );
      expectIssue(
        mutated((s) => (s.agents[0].behaviours[0].venues = ["pool", "uniswap"])),
        "agents[0].behaviours[0].venues[1]",
        '"curve", "pool"',
        '"uniswap"',
      );
    });

    it("asks a whale for the amounts its side uses, and only those", function () {
      const whale = { kind: "whale", venue: "curve", everySteps: 10 };
      expectIssue(
        withBehaviour({ ...whale, side: "buy" }),
        "agents[1].behaviours[0].buyQuote",
        'a whale with side "buy" buys',
      );
      expectIssue(
        withBehaviour({ ...whale, side: "alternate", buyQuote: "100" }),
        "agents[1].behaviours[0].sellFractionBps",
        'a whale with side "alternate" sells',
      );
      const extra = expectIssue(
        withBehaviour({ ...whale, side: "sell", sellFractionBps: 100, buyQuote: "100" }),
        "agents[1].behaviours[0].buyQuote",
        'a whale with side "sell" never buys',
      );
      expect(extra.fix).to.equal("remove it, or set side: alternate");
      expectIssue(
        withBehaviour({ ...whale, side: "sell", sellFractionBps: 0 }),
        "agents[1].behaviours[0].sellFractionBps",
        "from 1 to 10000",
      );
    });

    it("keeps a liquidity provider's re-entry gap at most its exit gap", function () {
      expectIssue(
        withBehaviour({ kind: "liquidityProvider", depositQuote: "100", exitGapBps: 200, enterGapBps: 300 }),
        "agents[1].behaviours[0].enterGapBps",
        "at most exitGapBps (200)",
        "300",
      );
    });

    it("keeps look-backs within the history an observation holds, naming the fix", function () {
      const issue = expectIssue(
        withBehaviour({ kind: "meanReversion", venue: "pool", windowSteps: 65, bandBps: 300, tradeQuote: "30" }),
        "agents[1].behaviours[0].windowSteps",
        "at most output.historyLength (64)",
        "65",
      );
      expect(issue.fix).to.equal("raise output.historyLength to 65 or shorten windowSteps");
      behaviourOf(
        withBehaviour(
          { kind: "meanReversion", venue: "pool", windowSteps: 65, bandBps: 300, tradeQuote: "30" },
          { output: { historyLength: 65 } },
        ),
      );
    });

    it("checks a bandit's arms: at least one, none a bandit, each with its own label", function () {
      const arm = { kind: "arbitrageur", minProfitQuote: "0", maxTradeQuote: "100" };
      const bandit = { kind: "bandit", algorithm: "ucb1", periodSteps: 10 };
      expectIssue(
        withBehaviour({ ...bandit, arms: [] }),
        "agents[1].behaviours[0].arms",
        "at least one arm",
        "an empty list",
      );
      expectIssue(
        withBehaviour({ ...bandit, arms: [{ ...bandit, arms: [arm] }] }),
        "agents[1].behaviours[0].arms[0].kind",
        "an arm that is not itself a bandit",
        '"bandit"',
      );
      expectIssue(
        withBehaviour({ ...bandit, arms: [arm, arm] }),
        "agents[1].behaviours[0].arms[1].label",
        "a label no other arm of this bandit has",
      );
      expectIssue(
        withBehaviour({ ...bandit, arms: [arm, { ...arm, maxTradeQuote: "-1", label: "other" }] }),
        "agents[1].behaviours[0].arms[1].maxTradeQuote",
        "a decimal string",
      );
      expectIssue(
        withBehaviour({ ...bandit, epsilon: 0.2, arms: [arm] }),
        "agents[1].behaviours[0].epsilon",
        "no epsilon: ucb1",
      );
      const ok = behaviourOf(
        withBehaviour({ ...bandit, arms: [arm, { ...arm, label: "careful", minProfitQuote: "5" }] }),
      );
      expect(ok.kind === "bandit" && ok.arms.map((a) => a.label)).to.deep.equal(["arbitrageur", "careful"]);
    });

    it("refuses a front-runner in sequential mode, naming the fix, also as a bandit's arm", function () {
      const frontRunner = { kind: "frontRunner", minProfitQuote: "1", maxTradeQuote: "1000", bidIncrementGwei: "1" };
      const issue = expectIssue(
        withBehaviour(frontRunner),
        "agents[1].behaviours[0].kind",
        "a front-runner needs to see the pending block",
        '"frontRunner" with mode "sequential"',
      );
      expect(issue.fix).to.equal("set mode: priority at the top of the scenario");
      expectIssue(
        withBehaviour({ kind: "bandit", algorithm: "ucb1", periodSteps: 10, arms: [frontRunner] }),
        "agents[1].behaviours[0].arms[0].kind",
        "a front-runner needs",
      );
      expect(behaviourOf(withBehaviour(frontRunner, { mode: "priority" }))).to.deep.include({
        bidIncrementWei: GWEI,
        maxTradeQuote: 1000n * QUOTE,
      });
    });

    it("needs the genesis file to exist, and a vesting beneficiary to trade from a genesis vesting account", function () {
      const missing = expectIssue(
        mutated((s) => (s.genesis = "genesis/nope.json")),
        "genesis",
        "a genesis file that exists",
        '"genesis/nope.json"',
      );
      expect(missing.fix).to.contain("genesis/default.json");
      const vesting = {
        kind: "vestingBeneficiary",
        venue: "pool",
        claimEverySteps: 10,
        sell: { mode: "targetPrice", price: "0.02" },
      };
      const derived = expectIssue(
        withBehaviour(vesting),
        "agents[1].wallet",
        "the account of a vesting beneficiary in the genesis",
        "a derived wallet, which has no vesting schedule",
      );
      expect(derived.fix).to.equal("use one of account:3, account:4, account:5");
      expectIssue(
        mutated((s) => ((s.agents[1].wallet = "account:2"), (s.agents[1].behaviours = [vesting]))),
        "agents[1].wallet",
        "vesting beneficiary",
        '"account:2", which has no vesting schedule in genesis/default.json',
      );
      const s = parseScenario(
        mutated((s) => ((s.agents[1].wallet = "account:4"), (s.agents[1].behaviours = [vesting]))),
        "t.yaml",
      );
      expect(s.agents[2].behaviours[0]).to.deep.include({ sell: { mode: "targetPrice", priceWad: 2n * 10n ** 16n } });
    });

    it("checks seeds and start times", function () {
      const big = expectIssue(
        mutated((s) => (s.seed = 2 ** 64)),
        "seed",
        "an integer from 0 to 18446744073709551615",
      );
      expect(big.fix).to.contain("write it as a string of digits");
      expectIssue(
        mutated((s) => (s.seed = "18446744073709551616")),
        "seed",
        "an integer from 0",
      );
      expectIssue(
        mutated((s) => (s.seed = -1)),
        "seed",
        "an integer from 0",
      );
      expectIssue(
        mutated((s) => (s.startTime = "2026-02-30")),
        "startTime",
        "a date and time that exist",
      );
      expectIssue(
        mutated((s) => (s.startTime = "2026-01-01T00:00:00")),
        "startTime",
        "an ISO date in UTC or with an offset",
      );
      expectIssue(
        mutated((s) => (s.startTime = "next monday")),
        "startTime",
        "an ISO date",
      );
    });

    it("lists every problem of a file in one error", function () {
      const input = mutated((s) => {
        s.blocks = -5;
        s.colour = "blue";
        s.agents[0].behaviours[0].maxQuote = "1.5.0";
        s.agents[1].id = "noise-1";
        s.agents[1].behaviours.push({
          kind: "frontRunner",
          minProfitQuote: "1",
          maxTradeQuote: "1000",
          bidIncrementGwei: "1",
        });
      });
      try {
        parseScenario(input, "scenarios/mine.yaml");
        expect.fail("accepted");
      } catch (error) {
        const { issues, message } = error as ScenarioError;
        expect(issues.map((i) => i.path)).to.deep.equal([
          "colour",
          "blocks",
          "agents[0].behaviours[0].maxQuote",
          "agents[1].behaviours[1].kind",
          "agents[1].id",
        ]);
        expect(message.split("\n")[0]).to.equal("scenarios/mine.yaml: 5 problems");
        expect(
          message
            .split("\n")
            .slice(1)
            .every((line) => line.startsWith("scenarios/mine.yaml: ")),
        ).to.equal(true);
      }
    });
  });

  describe("reading files", function () {
    async function write(name: string, text: string): Promise<string> {
      const path = join(scratch, name);
      await writeFile(path, text);
      return path;
    }

    it("reports YAML syntax errors with their line and column", async function () {
      const path = await write(
        "broken.yaml",
        "name: broken\nseed: 1\nblocks: 10\nagents:\n  - id: a\n   behaviours: []\n",
      );
      const error = await rejection(loadScenario(path));
      expect(error.issues).to.deep.equal([
        { path: "line 6, column 1", expected: "valid YAML", got: "Sequence item without - indicator" },
      ]);
      expect(error.message).to.equal(
        `${path}: line 6, column 1: expected valid YAML, got Sequence item without - indicator`,
      );

      const unclosed = await rejection(loadScenario(await write("unclosed.yaml", "name: x\nagents: [\n")));
      expect(unclosed.issues[0].path).to.match(/^line \d+, column \d+$/);
      expect(unclosed.issues[0].expected).to.equal("valid YAML");
    });

    it("refuses duplicate keys in YAML, which would silently drop a value", async function () {
      const error = await rejection(
        loadScenario(await write("twice.yml", "name: a\nseed: 1\nblocks: 10\nblocks: 20\nagents: []\n")),
      );
      expect(error.issues).to.deep.equal([
        { path: "line 4, column 1", expected: "valid YAML", got: "Map keys must be unique" },
      ]);
    });

    it("keeps YAML words like on and dates as strings (YAML 1.2)", async function () {
      const path = await write(
        "words.yaml",
        "name: on\nseed: 1\nblocks: 2\nstartTime: 2026-01-02T00:00:00Z\nagents:\n  - { id: yes, behaviours: [{ kind: arbitrageur, minProfitQuote: 0, maxTradeQuote: 5 }] }\n",
      );
      const s = await loadScenario(path);
      expect([s.name, s.agents[0].id, s.startTime]).to.deep.equal(["on", "yes", DEFAULT_START_TIME + 86400]);
    });

    it("reports JSON syntax errors, unreadable files and unknown extensions", async function () {
      const json = await rejection(loadScenario(await write("bad.json", '{"name": "x",}')));
      expect(json.issues[0]).to.deep.include({ path: "(file)", expected: "valid JSON" });
      const missing = await rejection(loadScenario(join(scratch, "none.yaml")));
      expect(missing.issues[0]).to.deep.include({ path: "(file)", expected: "a readable scenario file" });
      const toml = await rejection(loadScenario(await write("s.toml", "")));
      expect(toml.issues[0]).to.deep.equal({
        path: "(file)",
        expected: "a scenario file ending in .json, .yaml or .yml",
        got: '".toml"',
      });
    });

    it("reports the problems of a file by its path", async function () {
      const error = await rejection(loadScenario(await write("one.yaml", "name: x\nseed: 1\nblocks: 1\nagents: []\n")));
      expect(error.message).to.equal(
        `${join(scratch, "one.yaml")}: agents: expected at least one agent, got an empty list`,
      );
    });
  });

  describe("scenarios/README.md", function () {
    it("documents every field of every behaviour kind, with its default, as the field tables say", async function () {
      const readme = await readFile("scenarios/README.md", "utf8");
      const { start, end } = behaviourSection(readme);
      const generated = behaviourReference(BEHAVIOUR_REGISTRY);
      if (process.env.UPDATE_README === "1") {
        await writeFile("scenarios/README.md", readme.slice(0, start) + generated + readme.slice(end));
        return;
      }
      expect(
        readme.slice(start, end),
        "the Behaviours section differs from the field tables (write it with UPDATE_README=1)",
      ).to.equal(generated);
    });

    it("shows an example that parses, and error lines the reader really writes", async function () {
      const readme = await readFile("scenarios/README.md", "utf8");
      const blocks = [...readme.matchAll(/```(yaml)?\n([\s\S]*?)```/g)];
      const example = blocks.find((b) => b[1] === "yaml")![2];
      const s = parseScenario(parseYaml(example), "example.yaml");
      expect(s.agents.map((a) => a.id)).to.deep.equal(["noise-1", "noise-2", "noise-3", "arb"]);

      const shown = blocks.find((b) => b[1] === undefined)![2].trim();
      const arbitrageur = { kind: "arbitrageur", minProfitQuote: "0", maxTradeQuote: "1" };
      const input = mutated((s) => {
        s.agents = [
          { id: "a", behaviours: [arbitrageur] },
          { id: "b", behaviours: [arbitrageur] },
          {
            id: "c",
            behaviours: [{ kind: "threshold", venue: "pool", buyBelow: "0.0000000000000000001", amount: "1" }],
          },
          { id: "d", behaviours: [arbitrageur] },
          {
            id: "e",
            behaviours: [{ kind: "frontRunner", minProfitQuote: "1", maxTradeQuote: "1", bidIncrementGwei: "1" }],
          },
        ];
      });
      try {
        parseScenario(input, "scenarios/mine.yaml");
        expect.fail("accepted");
      } catch (error) {
        expect((error as Error).message).to.equal(shown);
      }
    });
  });
});

const connection = await network.create();

describe("genesis files for the scenarios", function () {
  it("launch.json unlocks every vesting schedule within 1000 blocks of 12 s", async function () {
    const deployment = await deployGenesis(connection, "genesis/launch.json");
    const vesting = deployment.contracts.vesting;
    expect(await vesting.scheduleCount()).to.equal(3n);
    // Relative starts count from the vesting contract's deployment, a few seconds into the deployment.
    const vestingStart = (await vesting.schedule(0n)).start;
    const unlockBlocks: bigint[] = [];
    for (let id = 0n; id < 3n; id++) {
      const schedule = await vesting.schedule(id);
      const unlock = schedule.start + schedule.cliffSeconds;
      expect(await vesting.vestedAmount(id, unlock - 1n), `schedule ${id}`).to.equal(0n);
      expect(await vesting.vestedAmount(id, unlock), `schedule ${id}`).to.be.greaterThan(0n);
      expect(unlock, `schedule ${id}`).to.be.lessThan(BigInt(deployment.deployTimestamp) + 1000n * 12n);
      unlockBlocks.push((unlock - vestingStart) / 12n);
    }
    expect(unlockBlocks).to.deep.equal([300n, 300n, 700n]);
  });

  it("classic.json deploys a fee-less pool whose fee governance may leave at 0", async function () {
    const deployment = await deployGenesis(connection, "genesis/classic.json");
    expect(await deployment.contracts.pool.feeBps()).to.equal(0n);
    const fee = deployment.parameters.find((p) => p.key === "pool.feeBps")!;
    expect([fee.value, fee.min]).to.deep.equal([0n, 0n]);
  });
});
