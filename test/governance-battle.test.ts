// Governance inside battles, end to end on the in-process chain: the protocol-owned agent's proposal
// goes through the real Governor and Timelock and changes the store within its rules; the lifecycle's
// gas is in the gas profile; the attack scenarios end as they should (late votes count zero, the
// whale's harmful change is voted down, apathy misses the quorum); the guardian pauses on a drain and
// only a governance proposal reopens the market; the same seed gives the same governance.json.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { findRevertData } from "../agents/deploy/errors.ts";
import { decodeRevertData } from "../agents/chain/tx-sender.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import hre from "hardhat";
import { encodeFunctionData, getAddress } from "viem";

import { readGasProfile } from "../agents/gas/profile-file.ts";
import { readParameters, type StoredParameter } from "../agents/governance/protocol/changes.ts";
import { MARKET_GOVERNANCE_ABI } from "../agents/governance/protocol/proposal.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";
import { type BattleResult, runBattle } from "../agents/run/battle.ts";
import { readSummary } from "../agents/run/summary-file.ts";
import { renderReport } from "../agents/report/report.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";

const TOKEN = 10n ** 18n;

function record(dir: string): GovernanceRecord {
  return JSON.parse(readFileSync(join(dir, "governance.json"), "utf8")) as GovernanceRecord;
}

describe("governance in a battle", function () {
  this.timeout(300_000);
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-governance-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("the protocol agent's proposal executes through the Governor and changes the store within its rules", async () => {
    const base = await loadScenario("scenarios/governance.yaml");
    // A parameter whose effect on the objective is certain, so the agent proposes at its first look.
    const scenario: Scenario = {
      ...base,
      blocks: 58,
      governance: {
        ...base.governance!,
        guardian: undefined,
        protocolAgent: {
          ...base.governance!.protocolAgent!,
          objective: {
            direction: "maximise",
            metric: "treasuryRevenueQuote",
            constraints: [
              { kind: "level", metric: "minSolvencyRatio", op: ">=", value: 1, text: "minSolvencyRatio >= 1" },
            ],
          },
          parameters: ["market.treasuryShareBps"],
          everySteps: 1000,
          evaluation: { seeds: 4, blocks: 5 },
        },
        voters: { ...base.governance!.voters!, evaluation: { seeds: 2, blocks: 5 } },
      },
    };
    const dir = join(root, "poa");
    let before: Map<string, StoredParameter> | undefined;
    let after: Map<string, StoredParameter> | undefined;
    let store: `0x${string}` | undefined;
    let worldShare: number | undefined;
    const result = await runBattle(hre, {
      scenario,
      out: dir,
      quiet: true,
      noReport: true,
      onStep: async (step, world) => {
        const read = async () => readParameters(world.chain!.client, store!);
        if (step === 1) before = await read();
        if (step === scenario.blocks) {
          after = await read();
          worldShare = world.curveState().treasuryShareBps;
        }
      },
      onSetup: (setup) => {
        store = getAddress(setup.deployment.addresses.store);
      },
    });

    const gov = record(dir);
    expect(gov.bootstrap).to.not.equal(null);
    expect(gov.bootstrap!.delegatedVotes).to.equal((1_000_000n * TOKEN).toString());
    const decision = gov.trail.find((e) => e.kind === "decision")!;
    expect(decision.step).to.equal(1);
    expect((decision.candidates as unknown[]).length).to.equal(2); // 5000 bps ± its largest step (20%)
    expect(decision.choice).to.equal("market.treasuryShareBps 5000 → 6000");
    const [proposal] = gov.proposals;
    expect(proposal).to.deep.include({ by: "poa", state: "Executed", predicted: "Succeeded", predictionRight: true });

    // The store, read from the chain: changed by exactly the proposal, within bounds and the largest step.
    const b = before!.get("market.treasuryShareBps")!;
    const a = after!.get("market.treasuryShareBps")!;
    expect(b.value).to.equal(5000n);
    expect(a.value).to.equal(6000n);
    expect(a.value >= a.min && a.value <= a.max).to.equal(true);
    expect((a.value - b.value) * 10_000n <= b.value * BigInt(b.maxStepBps)).to.equal(true);
    expect(a.updatedAt > b.updatedAt).to.equal(true);
    // The World's own market read follows the store: agents see the new share without being told.
    expect(worldShare).to.equal(6000);
    for (const [key, p] of before!)
      if (key !== "market.treasuryShareBps") expect(after!.get(key)!.value, key).to.equal(p.value);

    // The lifecycle's gas, attributed to the protocol agent, in gas.json and the summary.
    const gas = await readGasProfile(join(dir, "gas.json"));
    const byFunction = new Map(gas.tables.function.map((row) => [row.key, row]));
    for (const fn of ["propose", "castVoteWithReason", "queue", "execute"])
      expect(byFunction.get(`ArenaGovernor.${fn}`)?.count, fn).to.be.greaterThan(0);
    expect(gas.tables.behaviour.map((row) => row.key)).to.include.members(["protocol-agent", "voter", "setup"]);
    const summary = await readSummary(join(dir, "summary.json"));
    expect(summary.governance!.parametersChanged).to.deep.equal({
      "market.treasuryShareBps": { initial: "5000", final: "6000" },
    });
    expect(result.reconcileProblems).to.deep.equal([]);
  });

  describe("attacks", () => {
    let late: BattleResult;

    it("votes bought after the snapshot count zero and leave the outcome as predicted", async () => {
      late = await runBattle(hre, {
        scenario: "scenarios/governance-late-votes.yaml",
        out: join(root, "late-a"),
        quiet: true,
        noReport: true,
      });
      const gov = late.governance!;
      const vote = gov.trail.find((e) => e.kind === "vote" && e.voter === "attacker")!;
      expect(vote.status).to.equal("success");
      expect(vote.weight).to.equal("0");
      expect(BigInt(vote.heldVotes as string) > 150_000n * TOKEN).to.equal(true); // more than the proposer's stake
      const outcome = gov.trail.find((e) => e.kind === "outcome")!;
      expect(outcome.state).to.equal("Succeeded");
      expect((outcome.predicted as { state: string }).state).to.equal("Succeeded");
      expect((outcome.hadLateVotesCounted as { state: string }).state).to.equal("Defeated");
      expect(gov.proposals[0]!.state).to.equal("Executed");
    });

    it("gives the same governance.json for the same scenario and seed", async () => {
      const again = join(root, "late-b");
      await runBattle(hre, {
        scenario: "scenarios/governance-late-votes.yaml",
        out: again,
        quiet: true,
        noReport: true,
      });
      expect(readFileSync(join(again, "governance.json"), "utf8")).to.equal(
        readFileSync(join(late.dir, "governance.json"), "utf8"),
      );
      expect(readFileSync(join(again, "governance.jsonl"), "utf8")).to.equal(
        readFileSync(join(late.dir, "governance.jsonl"), "utf8"),
      );
    });

    it("report.html shows each proposal with its predicted and actual outcome", async () => {
      const html = await renderReport(late.dir);
      expect(html).to.contain('<section id="governance">');
      const table = html.slice(
        html.indexOf('<table id="governance-proposals">'),
        html.indexOf("</table>", html.indexOf('<table id="governance-proposals">')),
      );
      expect(table).to.contain(
        '<td>lower-buy-fee</td><td>proposer</td><td class="num">2</td><td>market.buyFeeBps=80</td><td>Succeeded</td><td>Executed at step',
      );
      expect(html).to.contain("Parameters changed in this run: market.buyFeeBps 100 → 80.");
    });

    it("a whale's harmful change is voted down by the treasury's agent", async () => {
      const { governance } = await runBattle(hre, {
        scenario: "scenarios/governance-whale.yaml",
        out: join(root, "whale"),
        quiet: true,
        noReport: true,
      });
      const [proposal] = governance!.proposals;
      expect(proposal).to.deep.include({
        label: "whale-fees",
        by: "whale",
        state: "Defeated",
        predicted: "Defeated",
        predictionRight: true,
      });
      const poaVote = governance!.trail.find((e) => e.kind === "vote" && e.voter === "poa")!;
      expect(poaVote.support).to.equal("against");
      const whaleVotes = governance!.trail.filter((e) => e.kind === "vote" && e.voter === "whale");
      expect(whaleVotes.map((v) => v.status)).to.deep.equal(["success"]);
      expect(governance!.parameters["market.sellFeeBps"]).to.deep.include({ initial: "100", final: "100" });
    });

    it("a proposal nobody votes on fails for want of a quorum", async () => {
      const { governance } = await runBattle(hre, {
        scenario: "scenarios/governance-apathy.yaml",
        out: join(root, "apathy"),
        quiet: true,
        noReport: true,
      });
      const [proposal] = governance!.proposals;
      expect(proposal).to.deep.include({ state: "Defeated", predicted: "Defeated" });
      expect(proposal!.reason).to.match(/^quorum not reached/);
      expect(proposal!.votes!.for).to.equal((20_000n * TOKEN).toString());
      expect(governance!.trail.filter((e) => e.kind === "vote").map((e) => e.voter)).to.deep.equal(["proposer"]);
    });
  });

  it("the guardian pauses on a reserve drain; it cannot unpause, a governance proposal does", async () => {
    let guardianUnpause: string | undefined;
    let roles: { guardian: `0x${string}`; market: `0x${string}` } | undefined;
    const paused: boolean[] = [];
    const result = await runBattle(hre, {
      scenario: "scenarios/governance-guardian.yaml",
      out: join(root, "guardian"),
      quiet: true,
      noReport: true,
      onStep: async (step, world) => {
        paused[step] = world.curveState().paused;
        if (step === 30) {
          try {
            await world.chain!.request("eth_call", [
              {
                from: roles!.guardian,
                to: roles!.market,
                data: encodeFunctionData({ abi: MARKET_GOVERNANCE_ABI, functionName: "unpause" }),
              },
              "latest",
            ]);
            guardianUnpause = "succeeded";
          } catch (error) {
            // The in-process chain gives the revert data; the contracts' errors name it.
            const data = findRevertData(error);
            guardianUnpause =
              data === undefined
                ? (error as Error).message
                : decodeRevertData(data as `0x${string}`, (await loadSystemAbis(hre.artifacts)).errors);
          }
        }
      },
      onSetup: (setup) => {
        roles = {
          guardian: getAddress(setup.deployment.accounts.guardian),
          market: getAddress(setup.deployment.addresses.market),
        };
      },
    });
    const gov = result.governance!;
    const pause = gov.trail.find((e) => e.kind === "pause")!;
    expect(pause).to.deep.include({ step: 21, status: "success" });
    expect(pause.reason).to.match(/^the reserve fell \d+ bps in one block/);
    expect(paused[20]).to.equal(false);
    expect(paused[21]).to.equal(true);
    expect(guardianUnpause).to.not.equal("succeeded");
    expect(guardianUnpause).to.match(/Unauthorized/);
    const unpause = gov.proposals.find((p) => p.unpause)!;
    expect(unpause).to.deep.include({ by: "poa", state: "Executed" });
    expect(paused[unpause.executedStep! - 1]).to.equal(true);
    expect(paused[unpause.executedStep!]).to.equal(false);
    expect(result.summary.governance!.pauses).to.have.length(1);
  });
});
