// Language-model battles recorded and replayed on the in-process chain: a recorded battle replays
// from its cassette with no client at all into byte-identical run files; a replay missing an answer
// stops with an error naming the agent, the step and the hash and keeps what it recorded; a budget
// stops the run cleanly; the ready-made scenario replays from its committed cassette, which equals a
// fresh recording (`UPDATE_CASSETTE=1 bin/arena test mocha test/llm-replay.test.ts` records it again).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { BattleStopped } from "../agents/chain/errors.ts";
import { findCause } from "../agents/core/errors.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { CassetteMiss } from "../agents/llm/run-llm.ts";
import type { LlmCallRecord } from "../agents/llm/recorder.ts";
import type { LlmStatsFile } from "../agents/llm/stats.ts";
import { runBattle } from "../agents/run/battle.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import type { LlmTraderConfig } from "../agents/behaviours/llm-trader.ts";
import type { LlmRequest } from "../agents/llm/client.ts";
import { startLlmServer } from "./helpers/llm-server.ts";
import { ScriptedLlm, traderAnswer } from "./helpers/scripted-llm.ts";

const READY = "scenarios/llm-traders.yaml";
const READY_CASSETTE = "scenarios/llm-traders.cassette";
const FILES = ["steps.csv", "agents.csv", "txs.csv", "gas.json", "summary.json", "llm.jsonl", "llm.json"];

const calls = (dir: string): LlmCallRecord[] =>
  readFileSync(join(dir, "llm.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as LlmCallRecord);

describe("llm battles: record and replay", function () {
  this.timeout(300_000);
  let root: string;
  let scenario: Scenario;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-llm-replay-"));
    scenario = { ...(await loadScenario(READY)), blocks: 12 };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("replays a recorded battle from its cassette alone, byte for byte, with the cassette's latencies", async () => {
    const cassette = join(root, "cassette");
    const client = new ScriptedLlm("scripted-trader", {
      // Later agents answer first: the records must still follow the agents' order.
      delayMs: (request) => (request.messages[0]!.content.includes("llm-value") ? 30 : 5),
    });
    const recorded = join(root, "recorded");
    const first = await runBattle(hre, {
      scenario,
      out: recorded,
      quiet: true,
      noReport: true,
      llm: { mode: "record", cassette, clientFor: () => client },
    });
    // Two llm agents, one call each per block, made concurrently within a block.
    expect(client.calls).to.equal(24);
    expect(client.maxInFlight).to.equal(2);
    expect(readdirSync(cassette)).to.have.length(24);
    const stats = first.llm!;
    expect(stats.totals.calls).to.equal(24);
    // Every 7th and 11th step the scripted model answers badly (past the holdings; not the schema): refused, the battle goes on.
    expect(stats.totals.rejected).to.equal(2 * 2);
    expect(stats.totals.accepted).to.equal(20);
    expect(first.summary.completion.complete).to.equal(true);

    const replayed = join(root, "replayed");
    const second = await runBattle(hre, {
      scenario,
      out: replayed,
      quiet: true,
      noReport: true,
      llm: { mode: "replay", cassette },
    });
    expect(second.summary.completion.complete).to.equal(true);
    for (const file of FILES) {
      expect(readFileSync(join(replayed, file), "utf8"), file).to.equal(readFileSync(join(recorded, file), "utf8"));
    }
    const rows = calls(replayed);
    expect(rows.map((r) => r.step)).to.deep.equal(rows.map((r) => r.step).sort((a, b) => a - b));
    expect(
      rows.filter((r) => r.outcome.status === "rejected").map((r) => [r.step, r.outcome.reason!.slice(0, 36)]),
    ).to.deep.include.members([
      [7, "buyCurve: spends 99999999 quote but "],
      [11, "the answer does not match the schema"],
    ]);
    // The recorded latency (whole ms of the scripted delay), not the replay's.
    expect(rows.find((r) => r.agent === "llm-value")!.latencyMs).to.equal(30);
    // The leaderboard carries tokens and money beside gas.
    const summary = await readSummary(join(replayed, "summary.json"));
    const value = summary.leaderboard.find((e) => e.agent === "llm-value")!;
    expect(value.llmCalls).to.equal(12);
    expect(value.llmTokens).to.equal(
      (JSON.parse(readFileSync(join(replayed, "llm.json"), "utf8")) as LlmStatsFile).agents["llm-value"]!.inputTokens +
        (JSON.parse(readFileSync(join(replayed, "llm.json"), "utf8")) as LlmStatsFile).agents["llm-value"]!
          .outputTokens,
    );
    expect(value.llmUsd).to.be.greaterThan(0);
    expect(summary.leaderboard.find((e) => e.agent === "arb")!.llmCalls).to.equal(undefined);
  });

  it("stops a replay that misses an answer, naming the agent, the step and the hash, keeping the blocks before", async () => {
    const cassette = join(root, "cassette");
    const rows = calls(join(root, "recorded"));
    const missing = rows.find((r) => r.step === 5)!;
    unlinkSync(join(cassette, `${missing.key}.json`));
    const out = join(root, "missing");
    const error = await runBattle(hre, {
      scenario,
      out,
      quiet: true,
      noReport: true,
      llm: { mode: "replay", cassette },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(BattleStopped);
    const miss = findCause(error, CassetteMiss)!;
    expect(miss.message).to.contain(`agent ${missing.agent} at step 5`).and.contain(missing.key);
    expect(miss.message).to.contain("--llm record");
    const summary = await readSummary(join(out, "summary.json"));
    expect(summary.completion).to.deep.include({ stepsRecorded: 4, complete: false });
    // The calls of the four recorded blocks (and any of block 5 before the miss, in order) stay.
    const kept = calls(out);
    expect(kept.filter((r) => r.step <= 4)).to.have.length(8);
    expect(kept.every((r) => r.step <= 5)).to.equal(true);
  });

  it("stops cleanly at the first call past the budget, keeping everything recorded and saying why", async () => {
    const cassette = join(root, "budget-cassette");
    const client = new ScriptedLlm();
    const perCall = 1_200; // about what one call costs here
    const budgeted: Scenario = { ...scenario, llm: { ...scenario.llm, budget: { tokens: 5 * perCall } } };
    const out = join(root, "budget");
    const result = await runBattle(hre, {
      scenario: budgeted,
      out,
      quiet: true,
      noReport: true,
      llm: { mode: "record", cassette, clientFor: () => client },
    });
    const rows = calls(out);
    const last = rows.at(-1)!;
    expect(last.outcome.status).to.equal("budget");
    expect(last.outcome.reason).to.contain(`the run's LLM budget of ${5 * perCall} tokens`);
    const spent = rows.reduce((n, r) => n + r.usage.inputTokens + r.usage.outputTokens, 0);
    expect(spent).to.be.greaterThan(5 * perCall);
    expect(spent - last.usage.inputTokens - last.usage.outputTokens).to.be.at.most(5 * perCall);
    // It stopped after the block of that call: no call after it, the summary says why.
    expect(result.summary.completion.complete).to.equal(false);
    expect(result.summary.completion.stepsRecorded).to.equal(last.step);
    expect(result.summary.completion.stoppedBy).to.contain("LLM budget");
    expect(result.summary.llm!.budgetStop).to.contain(`${5 * perCall} tokens`);
    expect(result.llm!.totals.overBudget).to.be.at.least(1);
    expect(client.calls).to.equal(rows.length);
    expect(existsSync(join(out, "llm.json"))).to.equal(true);
  });

  it("records through the real openai SDK from a local server, and replays it without the server", async () => {
    // The server answers as the scripted model would, from the messages the SDK sent.
    const server = await startLlmServer({
      answer: (request) => ({ json: traderAnswer({ messages: request.body.messages } as LlmRequest) }),
    });
    const cassette = join(root, "sdk-cassette");
    const served: Scenario = {
      ...scenario,
      blocks: 6,
      agents: scenario.agents.map((agent) => ({
        ...agent,
        behaviours: agent.behaviours.map((b) =>
          b.kind === "llm"
            ? {
                ...b,
                settings: { ...(b as LlmTraderConfig).settings, baseUrl: server.openAiBaseUrl, model: "sdk-model" },
              }
            : b,
        ),
      })),
    };
    const recorded = join(root, "sdk-recorded");
    try {
      const first = await runBattle(hre, {
        scenario: served,
        out: recorded,
        quiet: true,
        noReport: true,
        llm: { mode: "record", cassette },
      });
      expect(server.requests).to.have.length(12);
      // The strict JSON schema of the trader's allowed actions went with each request.
      const format = server.requests[0]!.body.response_format as { type: string; json_schema: { strict: boolean } };
      expect(format.type).to.equal("json_schema");
      expect(first.llm!.totals.accepted).to.be.greaterThan(0);
      expect(first.llm!.agents["llm-value"]!.inputTokens).to.be.greaterThan(0);
    } finally {
      await server.close();
    }
    const replayed = join(root, "sdk-replayed");
    await runBattle(hre, {
      scenario: served,
      out: replayed,
      quiet: true,
      noReport: true,
      llm: { mode: "replay", cassette },
    });
    for (const file of FILES) {
      expect(readFileSync(join(replayed, file), "utf8"), file).to.equal(readFileSync(join(recorded, file), "utf8"));
    }
    expect(calls(replayed).every((r) => r.model === "sdk-model" && r.answer !== undefined)).to.equal(true);
  });

  it("replays the ready-made scenario from its committed cassette, which a fresh recording equals", async () => {
    const ready = await loadScenario(READY);
    const fresh = join(root, "ready-cassette");
    const recorded = join(root, "ready-recorded");
    const update = process.env.UPDATE_CASSETTE !== undefined;
    await runBattle(hre, {
      scenario: ready,
      out: recorded,
      quiet: true,
      noReport: true,
      llm: { mode: "record", cassette: update ? READY_CASSETTE : fresh, clientFor: () => new ScriptedLlm() },
    });
    const replayed = join(root, "ready-replayed");
    const result = await runBattle(hre, { scenario: ready, out: replayed, quiet: true, noReport: true });
    expect(result.summary.completion.complete).to.equal(true);
    expect(result.llm!.totals.calls).to.equal(2 * ready.blocks);
    for (const file of FILES) {
      expect(readFileSync(join(replayed, file), "utf8"), file).to.equal(readFileSync(join(recorded, file), "utf8"));
    }
    if (!update) {
      const committed = readdirSync(READY_CASSETTE).sort();
      expect(committed).to.deep.equal(readdirSync(fresh).sort());
      for (const file of committed)
        expect(readFileSync(join(READY_CASSETTE, file), "utf8"), file).to.equal(
          readFileSync(join(fresh, file), "utf8"),
        );
    }
  });
});
