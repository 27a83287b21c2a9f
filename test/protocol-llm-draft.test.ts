// The protocol agent's `draft: llm`: a model drafts candidate changes with a rationale, and every
// candidate still goes through the store's rails (bounds, largest step, interval at the expected
// execution time, proposals pending on its key) before anything is evaluated.

import { expect } from "chai";
import hre from "hardhat";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { draftCandidatesWithModel, draftSchema, type ModelDraftInput } from "../agents/governance/battle/llm-draft.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import { checkChanges, type StoredParameter } from "../agents/governance/protocol/changes.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import type { LlmAnswer, LlmClient, LlmRequest } from "../agents/llm/client.ts";
import { createLocalClient, disposeLocalModels } from "../agents/llm/providers/local.ts";
import { runBattle } from "../agents/run/battle.ts";
import { writeTinyGguf } from "./helpers/tiny-gguf.ts";

const DAY = 86_400n;
const NOW = 10_000_000n;

function parameter(key: string, value: bigint, updatedAt = NOW - 2n * DAY): StoredParameter {
  // ±50% of the value per update, at most once a day
  return { key, value, min: 5n, max: 1000n, maxStepBps: 5_000, minIntervalSeconds: 86_400, updatedAt };
}

const PARAMETERS = new Map<string, StoredParameter>([
  ["market.buyFeeBps", parameter("market.buyFeeBps", 100n)],
  ["market.sellFeeBps", parameter("market.sellFeeBps", 100n)],
  ["pool.feeBps", parameter("pool.feeBps", 30n, NOW - DAY / 2n)],
]);

const INPUT: ModelDraftInput = {
  parameters: PARAMETERS,
  keys: ["market.buyFeeBps", "market.sellFeeBps", "pool.feeBps"],
  executeAt: NOW + 3_600n,
  pending: [{ name: "whale-1", keys: ["market.sellFeeBps"], unpause: false, standing: "Active, ends at block 57" }],
  objective: "minimise curveVolatilityBps subject to minSolvencyRatio >= 1",
  monitor: { curveVolatilityBps: 412.5, treasuryRevenueQuote: 1204 } as ModelDraftInput["monitor"],
  step: 40,
  seed: 3,
};

function scripted(json: unknown): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    provider: "scripted",
    model: "poa-1",
    requests,
    complete: async (request): Promise<LlmAnswer> => {
      requests.push(request);
      return {
        json,
        text: JSON.stringify(json),
        usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 0 },
        latencyMs: 1,
        raw: {},
      };
    },
  };
}

describe("the protocol agent's model-drafted candidates (draft: llm)", function () {
  it("keeps the candidates the rails allow, with their rationale, and records why the others are refused", async function () {
    const client = scripted({
      candidates: [
        { changes: [{ key: "market.buyFeeBps", value: "130" }], rationale: "  A higher buy fee damps momentum.  " },
        { changes: [{ key: "market.buyFeeBps", value: "400" }], rationale: "Much higher." },
        { changes: [{ key: "market.sellFeeBps", value: "120" }], rationale: "Sells too." },
        { changes: [{ key: "pool.feeBps", value: "20" }], rationale: "Cheaper arbitrage." },
        {
          changes: [
            { key: "market.buyFeeBps", value: "80" },
            { key: "market.buyFeeBps", value: "90" },
          ],
          rationale: "Twice.",
        },
        { changes: [{ key: "market.buyFeeBps", value: "130" }], rationale: "The same again." },
      ],
    });
    const drafted = await draftCandidatesWithModel(client, { ...INPUT, maxCandidates: 6 });
    expect(drafted.candidates).to.deep.equal([
      {
        changes: [{ key: "market.buyFeeBps", value: 130n }],
        description: "market.buyFeeBps 100 → 130",
        rationale: "A higher buy fee damps momentum.",
      },
    ]);
    expect(drafted.refused.map((r) => r.change)).to.deep.equal([
      "market.buyFeeBps 100 → 400",
      "market.sellFeeBps 100 → 120",
      "pool.feeBps 30 → 20",
      "market.buyFeeBps 100 → 80, market.buyFeeBps 100 → 90",
    ]);
    const [tooFar, pending, tooSoon, twice] = drafted.refused.map((r) => r.problem);
    expect(tooFar)
      .to.match(/market\.buyFeeBps/)
      .and.match(/50/);
    expect(pending).to.equal(
      "market.sellFeeBps already has proposal whale-1 (Active, ends at block 57) pending: wait for it to execute or be defeated",
    );
    expect(tooSoon).to.match(/pool\.feeBps/);
    expect(twice).to.equal("market.buyFeeBps is listed twice; give each parameter once");
    expect(drafted.answer.usage.inputTokens).to.equal(10);
  });

  it("gives the model the objective, the window's metrics and each parameter's bounds, step, interval and pending proposals", async function () {
    const client = scripted({ candidates: [] });
    const drafted = await draftCandidatesWithModel(client, INPUT);
    expect(drafted.candidates).to.deep.equal([]);
    expect(drafted.refused).to.deep.equal([]);
    const request = client.requests[0]!;
    const prompt = request.messages.at(-1)!.content;
    expect(prompt).to.contain("Objective: minimise curveVolatilityBps subject to minSolvencyRatio >= 1");
    expect(prompt).to.contain("- curveVolatilityBps: 412.5");
    expect(prompt).to.contain("- market.buyFeeBps: value 100 (100), bounds 5 … 1000, largest change now ±50");
    expect(prompt).to.contain(
      `- pool.feeBps: value 30 (30), bounds 5 … 1000, largest change now ±15, may change from unix ${NOW + DAY / 2n} (too late for this proposal)`,
    );
    expect(prompt).to.contain("pending: whale-1 (Active, ends at block 57)");
    expect(request.schema.name).to.equal("parameter_candidates");
    expect(request.seed).to.equal(3);
    const keys = (request.schema.jsonSchema as any).properties.candidates.items.properties.changes.items.properties.key
      .enum;
    expect(keys).to.deep.equal(INPUT.keys);
  });

  it("records an answer that is not a list of candidates as one refusal and drafts nothing", async function () {
    const client = scripted({
      candidates: [{ changes: [{ key: "market.buyFeeBps", value: "1.3e2" }], rationale: "x" }],
    });
    const drafted = await draftCandidatesWithModel(client, INPUT);
    expect(drafted.candidates).to.deep.equal([]);
    expect(drafted.refused).to.have.length(1);
    expect(drafted.refused[0]!.change).to.equal("scripted poa-1's draft");
    expect(drafted.refused[0]!.problem).to.match(
      /^the answer is not a list of candidates: candidates\.0\.changes\.0\.value: /,
    );
  });

  describe("with a real model (the tiny local GGUF)", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "arena-poa-llm-"));
      writeTinyGguf(join(dir, "tiny.gguf"));
    });
    after(async () => {
      await disposeLocalModels();
      rmSync(dir, { recursive: true, force: true });
    });

    it("decodes a schema-valid draft, and nothing it proposes passes unless the rails allow it", async function () {
      const client = createLocalClient(
        {
          provider: "local",
          model: "arena-tiny-random",
          modelPath: "tiny.gguf",
          temperature: 1,
          maxTokens: 4000,
          timeoutMs: 60_000,
          retries: 0,
          concurrency: 1,
        },
        { baseDir: dir, threads: 1 },
      );
      let proposed = 0;
      for (let seed = 1; seed <= 2; seed++) {
        const drafted = await draftCandidatesWithModel(client, { ...INPUT, seed, maxCandidates: 2 });
        const answer = draftSchema(INPUT.keys, 2).parse(drafted.answer.json);
        proposed += answer.candidates.length;
        expect(drafted.candidates.length + drafted.refused.length).to.be.at.most(answer.candidates.length);
        for (const candidate of drafted.candidates) {
          expect(checkChanges(PARAMETERS, candidate.changes, INPUT.executeAt)).to.deep.equal([]);
          expect(candidate.rationale).to.be.a("string").that.is.not.empty;
        }
        for (const refusal of drafted.refused) expect(refusal.problem).to.be.a("string").that.is.not.empty;
      }
      expect(proposed).to.be.greaterThan(0);
    });
  });

  describe("in a battle", function () {
    this.timeout(300_000);
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), "arena-poa-llm-battle-"));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("proposes the model's candidate with its rationale in the description and the trail, and executes it", async function () {
      const base = await loadScenario("scenarios/regime-change.yaml");
      const scenario: Scenario = {
        ...base,
        blocks: 20,
        governance: {
          ...base.governance!,
          protocolAgent: {
            ...base.governance!.protocolAgent!,
            objective: { direction: "maximise", metric: "curveVolumeQuote", constraints: [] },
            parameters: ["pool.feeBps"],
            everySteps: 1000,
            evaluation: { seeds: 4, blocks: 10 },
          },
        },
      };
      const rationale =
        "A lower pool fee narrows the arbitrage band, so the arbitrageur trades on the curve more often.";
      const drafter = scripted({
        candidates: [
          { changes: [{ key: "pool.feeBps", value: "5" }], rationale },
          { changes: [{ key: "pool.feeBps", value: "500" }], rationale: "Far past its largest step." },
        ],
      });
      const dir = join(root, "llm-draft");
      await runBattle(hre, { scenario, out: dir, quiet: true, noReport: true, protocolDrafter: drafter });
      expect(drafter.requests).to.have.length(1);
      expect(drafter.requests[0]!.messages.at(-1)!.content).to.contain("- pool.feeBps: value 30 (30)");
      const gov = JSON.parse(readFileSync(join(dir, "governance.json"), "utf8")) as GovernanceRecord;
      const decision = gov.trail.find((e) => e.kind === "decision")! as Record<string, unknown>;
      expect(decision.drafter).to.deep.equal({
        provider: "scripted",
        model: "poa-1",
        inputTokens: 10,
        outputTokens: 5,
      });
      expect(decision.choice).to.equal("pool.feeBps 30 → 5");
      const candidates = decision.candidates as { change: string; rationale?: string }[];
      expect(candidates.map((c) => [c.change, c.rationale])).to.deep.equal([["pool.feeBps 30 → 5", rationale]]);
      expect((decision.refused as { change: string }[]).map((r) => r.change)).to.deep.equal(["pool.feeBps 30 → 500"]);
      expect(gov.proposals[0]).to.deep.include({ by: "poa", state: "Executed" });
      expect(gov.proposals[0]!.description).to.equal(
        `poa proposal 1 (step ${gov.proposals[0]!.proposedStep}): pool.feeBps 30 → 5\n\n${rationale}`,
      );
      expect(gov.parameters["pool.feeBps"]).to.deep.include({ initial: "30", final: "5" });
    });
  });
});
