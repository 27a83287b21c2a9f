// Staking on both engines: the same scenario on genesis/staking.json, with stakers that stake, claim,
// try to unstake inside their lock-up, stake more than they hold, claim with nothing earned and unstake
// once unlocked, gives on the fast model every steps.csv column but gas, every outcome (with its
// decoded revert) and every holding (staked tokens included) of the chain battle, to the wei. On the
// chain the followed twin is checked against the contract every block (verifyEvery: 1), through a
// change of staking.rewardPerDay that the timelock makes through the store, and the ledger's holdings
// against the chain's balances at the end. A genesis without staking deploys none of it.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { encodeFunctionData, getAddress, maxUint256 } from "viem";

import type { Behaviour, IntentOutcome, StepOutcome } from "../agents/behaviours/behaviour.ts";
import { openChain } from "../agents/chain/chain.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { keyToBytes32 } from "../agents/core/parameters.ts";
import { setUpBattle } from "../agents/deploy/agents.ts";
import { createChainWorld, createModelWorld } from "../agents/engine/create.ts";
import { setUpModel } from "../agents/engine/model-setup.ts";
import type { Participant } from "../agents/engine/participants.ts";
import type { World } from "../agents/engine/world.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { runBattle } from "../agents/run/battle.ts";
import { runModelBattle } from "../agents/run/model-battle.ts";
import { loadGenesis } from "../agents/inputs/genesis.ts";
import { agentColumnsOf, mechanismsFor, stepColumnsOf } from "../agents/mechanisms/registry.ts";
import { stakingRate } from "../agents/mechanisms/staking/model.ts";
import { earnedAt, stakingPositionOf } from "../agents/mechanisms/staking/state.ts";
import type { Intent, Observation, StepRow } from "../agents/mechanisms/vocabulary.ts";
import { rowMismatches } from "./helpers/row-mismatches.ts";

const TOKEN = 10n ** 18n;
const QUOTE = 10n ** 6n;
const STEPS = 48;

function scenario(genesis = "genesis/staking.json"): Scenario {
  return {
    source: "test",
    name: "staking-engines",
    description: "",
    genesis,
    seed: 11n,
    blocks: STEPS,
    mode: "sequential",
    blockSeconds: 21_600, // 6 h: the 7-day lock-up is 28 steps
    policy: "test",
    startTime: 1_767_225_600,
    gas: { priorityFeeWei: 1_000_000_000n, ethPriceQuote: 3_000n * QUOTE },
    agents: ["early", "late", "careless", "buyer"].map((id) => ({
      id,
      wallet: { kind: "derived" as const },
      funds: { quote: 5_000n * QUOTE, tokens: 200_000n * TOKEN },
      behaviours: [],
    })),
    output: { agentEvery: 1, historyLength: 8 },
  };
}

type Plan = (obs: Observation) => Intent[];

/** Pure plans by agent: what each asks for, from what it sees. */
const PLANS: Record<string, Plan> = {
  // Stakes at once, claims every 5 steps, unstakes half once unlocked, tops up once later.
  early(obs) {
    const p = stakingPositionOf(obs.staking!, obs.self.address);
    if (obs.step === 1) return [{ kind: "stake", amount: 150_000n * TOKEN }];
    if (obs.step === 40) return [{ kind: "stake", amount: 10_000n * TOKEN }];
    const out: Intent[] = [];
    if (obs.step % 5 === 0 && earnedAt(obs.staking!, obs.self.address, obs.timestamp) > 0n)
      out.push({ kind: "claimRewards" });
    if (obs.timestamp >= p.unlockAt && p.balance === 150_000n * TOKEN)
      out.push({ kind: "unstake", amount: p.balance / 2n });
    return out;
  },
  // Stakes later, tries to leave inside its lock-up (StakeLocked), leaves for good at step 44 and claims.
  late(obs) {
    const p = stakingPositionOf(obs.staking!, obs.self.address);
    if (obs.step === 6) return [{ kind: "stake", amount: 60_000n * TOKEN }];
    if (obs.step === 12) return [{ kind: "unstake", amount: p.balance }];
    if (obs.step === 44) return [{ kind: "unstake", amount: p.balance }];
    if (obs.step === 45) return [{ kind: "claimRewards" }];
    return [];
  },
  // Every revert a staker can meet: more than it holds, nothing to claim, zero, more than staked.
  careless(obs) {
    if (obs.step === 2) return [{ kind: "stake", amount: obs.self.holdings.tokens + 1n }];
    if (obs.step === 3) return [{ kind: "claimRewards" }];
    if (obs.step === 4) return [{ kind: "stake", amount: 0n }];
    if (obs.step === 5) return [{ kind: "stake", amount: obs.self.holdings.tokens }];
    if (obs.step === 7) return [{ kind: "unstake", amount: (obs.self.holdings.staked ?? 0n) + 1n }];
    return [];
  },
  // Buys from the curve now and then, so the price moves while rewards accrue.
  buyer(obs) {
    return obs.step % 3 === 0 ? [{ kind: "buyCurveWithQuote", quoteIn: 50n * QUOTE, minOut: 0n }] : [];
  },
};

interface Recorded {
  outcomes: { step: number; agent: string; kind: string; status: string; error?: string }[];
}

function behaviourFor(id: string, recorded: Recorded): Behaviour {
  return {
    kind: "scripted",
    label: id,
    step: (obs) => PLANS[id]!(obs),
    settle(outcome: StepOutcome) {
      for (const o of outcome.outcomes as IntentOutcome[])
        recorded.outcomes.push({
          step: outcome.step,
          agent: id,
          kind: o.intent.kind,
          status: o.status,
          ...(o.error === undefined ? {} : { error: o.error }),
        });
    },
  };
}

async function runAll(world: World, steps: number) {
  const rows = [];
  for (let i = 0; i < steps; i++) rows.push((await world.runStep()).row);
  return rows;
}

/** The stakedTokens column of steps.csv's lines, as bigints. */
function chainRowsOf(lines: readonly string[], header: readonly string[]): { stakedTokens: bigint }[] {
  const at = header.indexOf("stakedTokens");
  return lines.slice(1).map((line) => ({ stakedTokens: BigInt(line.split(",")[at]!) }));
}

describe("staking on both engines", function () {
  this.timeout(180_000);

  it("the model gives the chain battle's rows, outcomes and holdings to the wei; the chain's twin follows the contract every block", async () => {
    const s = scenario();
    const chain = await openChain(hre, { mode: s.mode, startTime: s.startTime, allowLive: false });
    const onChain: Recorded = { outcomes: [] };
    let chainRows;
    let chainAgents;
    let reconcile: string[];
    let rates: bigint[] = [];
    try {
      const abis = await loadSystemAbis(hre.artifacts);
      const setup = await setUpBattle(chain, s, abis, false, () => undefined);
      expect(setup.addresses.staking).to.be.a("string");
      const { world } = await createChainWorld(
        chain,
        s,
        abis,
        setup,
        (wallet) => [behaviourFor(wallet.config.id, onChain)],
        { verifyEvery: 1 },
      );
      // Every agent approved the staking contract for its tokens, to the maximum.
      for (const w of setup.wallets) {
        const allowance = await chain.client.readContract({
          address: setup.addresses.token,
          abi: abis.byContract.token,
          functionName: "allowance",
          args: [w.address, setup.addresses.staking!],
        });
        expect(allowance).to.equal(maxUint256);
      }
      const rows = await runAll(world, STEPS);
      chainRows = rows;
      chainAgents = world.agents.map((a) => ({ id: a.id, ...a.holdings }));
      reconcile = await world.reconcile();
      rates = rows.map((r) => r.stakingRewardRateWei!);
    } finally {
      await chain.close();
    }

    const modelRecorded: Recorded = { outcomes: [] };
    const start = await setUpModel(s);
    const model = createModelWorld(s, start, (wallet) => [behaviourFor(wallet.config.id, modelRecorded)]);
    const modelRows = await runAll(model, STEPS);

    const columns = stepColumnsOf(model.mechanisms).filter((c) => c !== "gasUsed");
    expect(columns).to.include.members([
      "stakedTokens",
      "stakingEmittedTokens",
      "stakingBudgetLeftTokens",
      "stakingRewardRateWei",
      "stakingRewardsPaidTokens",
    ]);
    expect(rowMismatches(modelRows, chainRows!, columns)).to.deep.equal([]);
    expect(modelRecorded.outcomes).to.deep.equal(onChain.outcomes);
    expect(model.agents.map((a) => ({ id: a.id, ...a.holdings }))).to.deep.equal(chainAgents);
    expect(reconcile!).to.deep.equal([]);

    // The run did what it says: every revert a staker meets, rewards paid, stakes left at unlock.
    const errors = onChain.outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error.replace(/\(.*$/, "")]));
    expect([...new Set(errors)].sort()).to.deep.equal(
      ["ERC20InsufficientBalance", "InsufficientStake", "NothingToClaim", "StakeLocked", "ZeroAmount"].sort(),
    );
    const paid = chainRows!.reduce((sum, r) => sum + r.stakingRewardsPaidTokens!, 0n);
    expect(paid > 0n).to.equal(true);
    expect(chainRows!.at(-1)!.stakedTokens).to.equal((75_000n + 10_000n + 200_000n) * TOKEN);
    // Staked tokens count in the agent's value: the late staker's tokens + staked are what it began with, plus rewards.
    const late = model.agents.find((a) => a.id === "late")!;
    expect(late.holdings.staked).to.equal(0n);
    expect(late.holdings.tokens > 200_000n * TOKEN).to.equal(true);
    expect(rates.every((r) => r > 0n)).to.equal(true);
  });

  it("follows a change of staking.rewardPerDay made through the store: the rate moves in that block, the twin with it", async () => {
    const s = { ...scenario(), blocks: 6 };
    const chain = await openChain(hre, { mode: s.mode, startTime: s.startTime, allowLive: false });
    try {
      const abis = await loadSystemAbis(hre.artifacts);
      const setup = await setUpBattle(chain, s, abis, false, () => undefined);
      const timelock = setup.addresses.treasury;
      await chain.request("hardhat_impersonateAccount", [timelock]);
      await chain.request("hardhat_setBalance", [timelock, "0x3635c9adc5dea00000"]);
      const recorded: Recorded = { outcomes: [] };
      const { world } = await createChainWorld(chain, s, abis, setup, (w) => [behaviourFor(w.config.id, recorded)], {
        verifyEvery: 1,
      });
      // The store's minimum interval is a day from genesis: the change goes in at step 5 (30 h in).
      const retune: Participant = {
        id: "retune",
        async turn(turn) {
          if (turn.step !== 5) return [];
          return [
            {
              from: getAddress(timelock),
              to: getAddress(setup.deployment.addresses.store),
              data: encodeFunctionData({
                abi: abis.byContract.store,
                functionName: "set",
                args: [keyToBytes32("staking.rewardPerDay"), 7_500n * TOKEN],
              }),
              gas: 300_000n,
              agent: "retune",
              role: "script",
              contract: "ParameterStore",
              fn: "set",
            },
          ];
        },
      };
      world.addParticipant(retune);
      const rows = await runAll(world, 6);
      // Step 4: 150,000 staked at the genesis rule; step 5: the new rewardPerDay, then careless's 200,000
      // stake after it in the block; step 6: late's 60,000 more.
      const target = 500_000n * TOKEN;
      expect(rows[3]!.stakingRewardRateWei).to.equal(stakingRate(5_000n * TOKEN, target, 150_000n * TOKEN));
      expect(rows[4]!.stakingRewardRateWei).to.equal(stakingRate(7_500n * TOKEN, target, 350_000n * TOKEN));
      expect(rows[5]!.stakingRewardRateWei).to.equal(stakingRate(7_500n * TOKEN, target, 410_000n * TOKEN));
      expect(
        recorded.outcomes.every((o) => o.status === "success" || o.agent === "careless" || o.agent === "late"),
      ).to.equal(true);
    } finally {
      await chain.close();
    }
  });

  it("scenarios/staking.yaml: yield stakers and mercenary farmers give the model the chain battle's steps and holdings", async () => {
    const scenario = await loadScenario("scenarios/staking.yaml");
    const out = mkdtempSync(join(tmpdir(), "arena-staking-"));
    try {
      const chain = await runBattle(hre, { scenario, out, quiet: true, noReport: true });
      const model = await runModelBattle(scenario);
      const lines = readFileSync(join(out, "steps.csv"), "utf8").trim().split("\n");
      const header = lines[0]!.split(",");
      expect(header).to.include("stakedTokens");
      // agents.csv has each agent's staked tokens after its LP shares, and they are the ledger's.
      const agentLines = readFileSync(join(out, "agents.csv"), "utf8").trim().split("\n");
      const agentHeader = agentLines[0]!.split(",");
      expect(agentHeader.slice(2, 6)).to.deep.equal(["tokens", "quote", "lp", "staked"]);
      const lastRows = agentLines.slice(-scenario.agents.length).map((line) => line.split(","));
      const stakedAtEnd = lastRows.reduce((sum, fields) => sum + BigInt(fields[agentHeader.indexOf("staked")]!), 0n);
      expect(stakedAtEnd).to.equal(chainRowsOf(lines, header).at(-1)!.stakedTokens);
      const mismatches: string[] = [];
      lines.slice(1).forEach((line, i) => {
        const fields = line.split(",");
        header.forEach((column, j) => {
          if (column === "gasUsed") return;
          const mine = String(model.steps[i]![column as keyof StepRow]);
          if (mine !== fields[j]) mismatches.push(`step ${i + 1} ${column}: model ${mine}, chain ${fields[j]}`);
        });
      });
      expect(mismatches.slice(0, 10)).to.deep.equal([]);
      const board = (entries: typeof chain.summary.leaderboard) =>
        entries
          .map((e) => ({ agent: e.agent, tokens: e.tokens, quote: e.quote, txs: e.txs, reverts: e.reverts }))
          .sort((a, b) => a.agent.localeCompare(b.agent)); // the ranks weigh gas, which the model only estimates
      expect(board(model.summary.leaderboard)).to.deep.equal(board(chain.summary.leaderboard));
      // The stakers did stake, the farmers left, and rewards were paid.
      const rows = model.steps;
      expect(rows.some((r) => r.stakedTokens! > 0n)).to.equal(true);
      expect(rows.reduce((sum, r) => sum + r.stakingRewardsPaidTokens!, 0n) > 0n).to.equal(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("a genesis without a staking section deploys no staking, approves nothing for it and writes none of its columns", async () => {
    expect(agentColumnsOf(mechanismsFor(await loadGenesis("genesis/default.json")))).to.not.include("staked");
    const s = scenario("genesis/default.json");
    const start = await setUpModel(s);
    expect(start.twins.has("staking")).to.equal(false);
    const world = createModelWorld(s, start, () => []);
    expect(stepColumnsOf(world.mechanisms)).to.not.include("stakedTokens");
    expect(world.agents.every((a) => a.holdings.staked === undefined)).to.equal(true);
  });
});
