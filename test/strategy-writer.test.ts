// The strategy writer's loop: init writes a baseline, improve keeps only candidates that beat the
// incumbent beyond noise (and on the chain), hostile or unparsable candidates are recorded as rejected
// and the loop goes on, every generation is saved and a later run resumes from the folder, beat stops
// when the target is beaten; driven by a scripted LlmClient, then through the real OpenAI SDK against
// the local wire-protocol server with the scenario's llm: section.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { ChainEngine } from "../agents/experiment/chain-engine.ts";
import { parseScenario } from "../agents/inputs/scenario.ts";
import type { LlmAnswer, LlmClient, LlmRequest } from "../agents/llm/client.ts";
import { measure } from "../agents/metrics/registry.ts";
import { readGenerations } from "../agents/strategy/generations.ts";
import { WriterSettingsError, writerClient, writerSettings } from "../agents/strategy/writer-settings.ts";
import { runStrategyWriter, StrategyWriterError, type WriterOptions, withStrategy } from "../agents/strategy/writer.ts";
import { startLlmServer } from "./helpers/llm-server.ts";

const API_DOC = readFileSync("docs/strategy-api.md", "utf8");

/** Sells a tenth of its tokens to the curve every step: fees and a falling price, a poor baseline. */
const DUMPER = `function step(obs) {
  const tokens = BigInt(obs.self.holdings.tokens) / 10n;
  return tokens === 0n ? [] : [{ kind: "sellCurve", amount: tokens.toString(), minRefund: "0", note: "dump" }];
}`;
/** Holds: no fees, no price impact. Beats the dumper on every seed. */
const HOLDER = `function step(obs) { return []; }`;
const LOOPER = `function step(obs) { for (;;) {} }`;
const BROKEN = `function step(obs { return [] }`;

type Scripted = { reasoning: string; code: unknown } | Record<string, unknown>;

/** An LlmClient that answers from a list, and keeps every request. */
function scriptedClient(answers: Scripted[]): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    provider: "scripted",
    model: "script-1",
    requests,
    async complete(request): Promise<LlmAnswer> {
      requests.push(request);
      const json = answers.shift();
      if (json === undefined) throw new Error("the script ran out of answers");
      return {
        json,
        text: JSON.stringify(json),
        usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 0 },
        latencyMs: 1,
        raw: {},
      };
    },
  };
}

const SCENARIO = {
  name: "writer-arena",
  genesis: "genesis/default.json",
  seed: 3,
  blocks: 30,
  agents: [
    {
      id: "noise",
      count: 3,
      funds: { quote: "2000", tokens: "20000" },
      behaviours: [
        { kind: "noise", slippageBps: 300, venues: ["curve", "pool"], ratePerStep: 0.5, minQuote: "5", maxQuote: "80" },
      ],
    },
    {
      id: "writer",
      funds: { quote: "1000", tokens: "50000" },
      behaviours: [{ kind: "noise", venues: ["pool"], ratePerStep: 0.1, minQuote: "5", maxQuote: "10" }],
    },
  ],
};

describe("strategy writer", function () {
  this.timeout(300_000);
  let dir: string;
  let engine: ChainEngine;
  const scenario = () => parseScenario(SCENARIO, join(dir, "writer-arena.yaml"));
  const options = (overrides: Partial<WriterOptions> & Pick<WriterOptions, "client" | "mode">): WriterOptions => ({
    scenario: scenario(),
    agent: "writer",
    goal: "make the most of the writer's holdings",
    metric: "agents.writer.returnBps",
    folder: join(dir, "strategies", "writer"),
    generations: 1,
    seeds: 3,
    confirmSeeds: 0,
    settings: { temperature: 0.5, maxTokens: 2_000, seed: 11 },
    apiDoc: API_DOC,
    ...overrides,
  });

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "arena-writer-"));
    engine = new ChainEngine(hre);
  });
  after(async function () {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("init keeps a first generation that runs every step as the baseline, saved with its score and reasoning", async function () {
    const client = scriptedClient([
      { reasoning: "sell steadily", code: DUMPER },
      { reasoning: "never asked", code: HOLDER },
    ]);
    const result = await runStrategyWriter(options({ mode: "init", client, generations: 3 }));
    expect(result.made.map((g) => [g.generation, g.kept])).to.deep.equal([[1, true]]);
    expect(client.requests).to.have.length(1);
    const [gen] = readGenerations(join(dir, "strategies", "writer"));
    expect(gen!.code).to.equal(DUMPER);
    expect(gen!.record).to.deep.include({ reasoning: "sell steadily", mode: "init", seeds: ["3", "4", "5"] });
    expect(gen!.record.score!.model).to.have.length(3);
    expect(gen!.record.llm).to.deep.equal({
      provider: "scripted",
      model: "script-1",
      inputTokens: 100,
      outputTokens: 20,
      latencyMs: 1,
    });
    // The model got the API, the goal, the metric and the game.
    const [request] = client.requests;
    expect(request!.messages[0]!.content).to.contain(API_DOC);
    expect(request!.messages[1]!.content).to.contain("make the most of the writer's holdings");
    expect(request!.messages[1]!.content).to.contain("agents.writer.returnBps");
    expect(request!.messages[1]!.content).to.contain("There is no incumbent yet");
    expect(request!.seed).to.equal(12);

    // init again is refused: the folder has generations to improve.
    const again = runStrategyWriter(options({ mode: "init", client: scriptedClient([]) }));
    await expectRejected(again, StrategyWriterError, /already holds 1 generation.*strategy improve/);
  });

  it("improve rejects hostile, broken and malformed candidates and goes on, then keeps one that beats the incumbent on the model and the chain", async function () {
    const client = scriptedClient([
      { reasoning: "loop", code: LOOPER },
      { reasoning: "typo", code: BROKEN },
      { reasoning: "no code", code: 5 },
      { reasoning: "stop paying fees", code: HOLDER },
    ]);
    const chainScorer: WriterOptions["chain"] = async (run, seed) => {
      const world = await engine.run({ deploymentKey: "writer", parameters: [], scenario: { ...run, seed } });
      return measure({ ...world, blockSeconds: run.blockSeconds }, "agents.writer.returnBps");
    };
    const result = await runStrategyWriter(
      options({ mode: "improve", client, generations: 4, confirmSeeds: 1, chain: chainScorer }),
    );
    expect(result.made.map((g) => [g.generation, g.kept])).to.deep.equal([
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    const [loop, broken, malformed, holder] = result.made;
    expect(loop!.why).to.match(
      /failed on the fast model: seed 3: strategy "strategy" of agent writer, step 1: the code ran past its work budget/,
    );
    expect(broken!.why).to.match(/^the code does not parse: SyntaxError/);
    expect(malformed!.why).to.match(/^the answer was not \{reasoning, code\}: code/);
    expect(holder!.why).to.match(/^beats generation 1 beyond noise: \+[0-9.]+ ± [0-9.]+, confirmed on the chain/);
    expect(holder!.difference!.low).to.be.greaterThan(0);
    expect(holder!.incumbent!.generation).to.equal(1);
    expect(holder!.chain!.seeds).to.deep.equal(["3"]);
    expect(holder!.chain!.candidate[0]!).to.be.greaterThan(holder!.chain!.incumbent[0]!);
    expect(result.incumbent!.generation).to.equal(5);

    // Each generation is on disk, the rejected ones' code too (the malformed answer had none).
    const folder = join(dir, "strategies", "writer");
    expect([2, 3, 5].map((n) => readFileSync(join(folder, `gen-${n}.js`), "utf8"))).to.deep.equal([
      LOOPER,
      BROKEN,
      HOLDER,
    ]);
    expect(existsSync(join(folder, "gen-4.js"))).to.equal(false);
    // The model was told what went wrong lately and what to beat.
    const last = client.requests.at(-1)!.messages[1]!.content;
    expect(last).to.contain("generation 2: it failed on the fast model");
    expect(last).to.contain("generation 3: the code does not parse");
    expect(last).to.contain(`The incumbent, generation 1`);
    expect(last).to.contain(DUMPER);
  });

  it("resumes from the saved generations: a candidate no better than the incumbent is rejected as noise", async function () {
    const client = scriptedClient([{ reasoning: "the old idea", code: DUMPER }]);
    const result = await runStrategyWriter(options({ mode: "improve", client }));
    expect(result.made.map((g) => [g.generation, g.kept])).to.deep.equal([[6, false]]);
    expect(result.made[0]!.why).to.match(/^not better than generation 5 beyond noise/);
    expect(result.incumbent!.generation).to.equal(5);
    expect(client.requests[0]!.messages[1]!.content).to.contain("The incumbent, generation 5");
  });

  it("beat stops as soon as its incumbent beats the target beyond noise", async function () {
    const targetFile = join(dir, "strategies", "writer", "gen-1.js");
    const client = scriptedClient([
      { reasoning: "broken first", code: BROKEN },
      { reasoning: "hold", code: HOLDER },
      { reasoning: "never asked", code: HOLDER },
    ]);
    const result = await runStrategyWriter(
      options({
        mode: "beat",
        client,
        generations: 3,
        folder: join(dir, "strategies", "challenger"),
        target: { file: targetFile, code: readFileSync(targetFile, "utf8") },
      }),
    );
    expect(result.made.map((g) => [g.generation, g.kept])).to.deep.equal([
      [1, false],
      [2, true],
    ]);
    expect(result.beaten).to.equal(true);
    expect(result.made[1]!.target!.beaten).to.equal(true);
    expect(client.requests).to.have.length(2);
    expect(client.requests[0]!.messages[1]!.content).to.contain(`The strategy to beat, ${targetFile}`);
  });

  it("runs through the real OpenAI SDK against the local server, with the model from the scenario's llm: section", async function () {
    const server = await startLlmServer({
      replies: [{ json: { reasoning: "dump", code: DUMPER } }, { json: { reasoning: "hold", code: HOLDER } }],
    });
    try {
      const document = {
        ...SCENARIO,
        llm: { provider: "openai", model: "local-coder", baseUrl: server.openAiBaseUrl, temperature: 0.2, seed: 5 },
      };
      const withLlm = parseScenario(document, join(dir, "w.yaml"));
      const settings = writerSettings(withLlm);
      expect(settings).to.deep.include({
        provider: "openai",
        model: "local-coder",
        temperature: 0.2,
        maxTokens: 4_000,
      });
      const client = writerClient(settings, withLlm, {});
      const folder = join(dir, "strategies", "over-http");
      const common = { client, settings, folder, scenario: withLlm };
      await runStrategyWriter(options({ mode: "init", ...common }));
      const result = await runStrategyWriter(options({ mode: "improve", ...common }));
      expect(result.made.map((g) => [g.generation, g.kept])).to.deep.equal([[2, true]]);
      expect(result.made[0]!.llm.provider).to.equal("openai");
      expect(result.made[0]!.llm.model).to.equal("local-coder");
      const body = server.requests[1]!.body;
      expect(body.model).to.equal("local-coder");
      expect(body.temperature).to.equal(0.2);
      expect(body.seed).to.equal(7);
      expect((body.response_format as { type: string }).type).to.equal("json_schema");
      expect(JSON.stringify(body.messages)).to.contain("The incumbent, generation 1");
    } finally {
      await server.close();
    }
  });

  it("refuses a scenario without llm:, an unknown agent or metric, and one seed", async function () {
    expect(() => writerSettings(parseScenario(SCENARIO, "s.yaml"))).to.throw(
      WriterSettingsError,
      /s.yaml names no model for the strategy writer: add llm: \{ provider: openai/,
    );
    expect(() => writerSettings(parseScenario({ ...SCENARIO, llm: { temperature: 0.1 } }, "s.yaml"))).to.throw(
      WriterSettingsError,
    );
    const client = scriptedClient([]);
    const folder = join(dir, "strategies", "refused");
    await expectRejected(
      runStrategyWriter(options({ mode: "init", client, folder, agent: "nobody" })),
      StrategyWriterError,
      /--agent nobody is not an agent.*writer/,
    );
    await expectRejected(
      runStrategyWriter(options({ mode: "init", client, folder, metric: "agents.writer.luck" })),
      StrategyWriterError,
      /--metric agents.writer.luck is not a metric/,
    );
    await expectRejected(
      runStrategyWriter(options({ mode: "init", client, folder, seeds: 1 })),
      StrategyWriterError,
      /at least 2 seeds/,
    );
    await expectRejected(
      runStrategyWriter(options({ mode: "improve", client, folder })),
      StrategyWriterError,
      /no kept generation to improve: start with bin\/arena strategy init/,
    );
    expect(client.requests).to.have.length(0);
  });

  it("puts the strategy in the agent's place and leaves the other agents as they are", function () {
    const s = withStrategy(scenario(), "writer", HOLDER);
    expect(s.agents.find((a) => a.id === "writer")!.behaviours).to.deep.equal([
      {
        kind: "strategy",
        label: "strategy",
        slippageBps: 100,
        file: "candidate.js",
        code: HOLDER,
        memoryMiB: 32,
        workPerStep: 200,
      },
    ]);
    expect(s.agents.filter((a) => a.id !== "writer")).to.deep.equal(scenario().agents.filter((a) => a.id !== "writer"));
  });
});

const cli = join(createRequire(import.meta.url).resolve("hardhat/package.json"), "..", "dist/src/cli.js");

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "strategy", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("strategy task", function () {
  this.timeout(300_000);
  const name = `test-cli-${process.pid}`;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "arena-writer-cli-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join("strategies", name), { recursive: true, force: true });
  });

  it("writes strategies/<name>/ with init and improve, printing each generation's verdict", async function () {
    const server = await startLlmServer({
      replies: [{ json: { reasoning: "dump", code: DUMPER } }, { json: { reasoning: "hold", code: HOLDER } }],
    });
    try {
      const file = join(dir, "arena.json");
      writeFileSync(
        file,
        JSON.stringify({ ...SCENARIO, llm: { model: "local-coder", baseUrl: server.openAiBaseUrl } }),
      );
      const common = ["--scenario", file, "--agent", "writer", "--goal", "grow", "--name", name, "--seeds", "3"];
      const init = await runCli(["init", ...common]);
      expect(init.code, init.stderr).to.equal(0);
      expect(init.stdout).to.match(/generation 1: kept — the first generation that runs every step/);
      const improve = await runCli(["improve", ...common, "--generations", "1", "--confirm-seeds", "1"]);
      expect(improve.code, improve.stderr).to.equal(0);
      expect(improve.stdout).to.match(/generation 2: kept — beats generation 1 beyond noise: .*confirmed on the chain/);
      expect(improve.stdout).to.contain(`incumbent: strategies/${name}/gen-2.js, agents.writer.returnBps`);
      expect(readGenerations(join("strategies", name)).map((g) => g.record.kept)).to.deep.equal([true, true]);
    } finally {
      await server.close();
    }
  });

  it("says what is wrong, as strategy: message, without a stack trace", async function () {
    const file = join(dir, "no-llm.json");
    writeFileSync(file, JSON.stringify(SCENARIO));
    const missing = await runCli(["init", "--scenario", file, "--agent", "writer", "--goal", "grow", "--name", name]);
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.match(/^strategy: .* names no model for the strategy writer/m);
    expect(missing.stderr).to.not.match(/\n\s+at /);
    const wrong = await runCli(["grow", "--scenario", file, "--agent", "writer", "--goal", "grow"]);
    expect(wrong.stderr).to.contain("strategy: the command is init, improve or beat");
  });
});

async function expectRejected(promise: Promise<unknown>, type: new (...args: never[]) => Error, pattern: RegExp) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.match(pattern);
    return;
  }
  throw new Error("expected a rejection");
}
