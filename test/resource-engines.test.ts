// The resource market on both engines: the same scenario on genesis/resource.json, with providers that
// bond capacity, add to it, withdraw some and claim their earnings, consumers that buy and use credits
// through a burst of demand beyond the capacity (rationed blocks, the price up, then down), and a
// careless agent that meets every revert an agent can (zero, more credits than held, nothing to claim,
// a price above its limit, more than its wallet, a withdrawal of capacity the block is using), gives on
// the fast model every steps.csv column but gas, every outcome (with its decoded revert) and every
// holding of the chain battle, to the wei. On the chain the followed twin is checked against the
// contract every block (verifyEvery: 1). A genesis without the section deploys none of it.

import { expect } from "chai";
import hre from "hardhat";
import { maxUint256 } from "viem";

import type { Behaviour, IntentOutcome, StepOutcome } from "../agents/behaviours/behaviour.ts";
import { openChain } from "../agents/chain/chain.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { setUpBattle } from "../agents/deploy/agents.ts";
import { createChainWorld, createModelWorld } from "../agents/engine/create.ts";
import { setUpModel } from "../agents/engine/model-setup.ts";
import type { World } from "../agents/engine/world.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { stepColumnsOf } from "../agents/mechanisms/registry.ts";
import { creditsOf, resourceBlockAt, resourceProviderOf } from "../agents/mechanisms/resource/state.ts";
import type { Intent, Observation } from "../agents/mechanisms/vocabulary.ts";
import { rowMismatches } from "./helpers/row-mismatches.ts";

const CREDIT = 10n ** 18n;
const TOKEN = 10n ** 18n;
const QUOTE = 10n ** 6n;
const STEPS = 40;

function scenario(genesis = "genesis/resource.json"): Scenario {
  const agent = (id: string, quote: bigint) => ({
    id,
    wallet: { kind: "derived" as const },
    funds: { quote, tokens: 500n * TOKEN },
    behaviours: [],
  });
  return {
    source: "test",
    name: "resource-engines",
    description: "",
    genesis,
    seed: 12n,
    blocks: STEPS,
    mode: "sequential",
    order: "listed", // the burst's request comes before the second provider's withdrawal in a block
    blockSeconds: 12,
    policy: "test",
    startTime: 1_767_225_600,
    gas: { priorityFeeWei: 1_000_000_000n, ethPriceQuote: 3_000n * QUOTE },
    agents: [
      agent("provider", 100n * QUOTE),
      agent("steady", 5_000n * QUOTE),
      agent("burst", 5_000n * QUOTE),
      agent("second", 100n * QUOTE),
      agent("careless", 10n * QUOTE),
    ],
    output: { agentEvery: 1, historyLength: 8 },
  };
}

type Plan = (obs: Observation) => Intent[];

const price = (obs: Observation) => resourceBlockAt(obs.resource!, obs.timestamp).priceWad;

/** Pure plans by agent: what each asks for, from what it sees. */
const PLANS: Record<string, Plan> = {
  // Bonds 100 credits at once, 50 more at step 20, withdraws 30 at step 32; claims every 8 steps.
  provider(obs) {
    const out: Intent[] = [];
    if (obs.step === 1) out.push({ kind: "provideCapacity", amount: 100n * CREDIT });
    if (obs.step === 20) out.push({ kind: "provideCapacity", amount: 50n * CREDIT });
    if (obs.step === 32) out.push({ kind: "withdrawCapacity", amount: 30n * CREDIT });
    if (obs.step % 8 === 0 && resourceProviderOf(obs.resource!, obs.self.address).earned > 0n)
      out.push({ kind: "claimResourceEarnings" });
    return out;
  },
  // 40 credits a step at up to twice the price, and uses what it holds.
  steady(obs) {
    const out: Intent[] = [{ kind: "requestCompute", quantity: 40n * CREDIT, maxPriceWad: price(obs) * 2n }];
    const held = creditsOf(obs.resource!, obs.self.address);
    if (held > 0n) out.push({ kind: "useCredits", amount: held });
    return out;
  },
  // A burst from step 8 to 18: 120 credits a step while the price is at most 3 quote.
  burst(obs) {
    if (obs.step < 8 || obs.step > 18) return [];
    return [{ kind: "requestCompute", quantity: 120n * CREDIT, maxPriceWad: 3n * CREDIT }];
  },
  // A second provider that bonds 40 at step 2 and tries to leave in the burst (the block is using it).
  second(obs) {
    if (obs.step === 2) return [{ kind: "provideCapacity", amount: 40n * CREDIT }];
    if (obs.step === 10) return [{ kind: "withdrawCapacity", amount: 40n * CREDIT }];
    if (obs.step === 24) return [{ kind: "withdrawCapacity", amount: 41n * CREDIT }];
    if (obs.step === 36) return [{ kind: "claimResourceEarnings" }];
    return [];
  },
  // Every revert an agent can meet.
  careless(obs) {
    if (obs.step === 3) return [{ kind: "requestCompute", quantity: 0n, maxPriceWad: maxUint256 }];
    if (obs.step === 4) return [{ kind: "useCredits", amount: 1n }];
    if (obs.step === 5) return [{ kind: "claimResourceEarnings" }];
    if (obs.step === 6) return [{ kind: "requestCompute", quantity: CREDIT, maxPriceWad: price(obs) - 1n }];
    if (obs.step === 7) return [{ kind: "requestCompute", quantity: 60n * CREDIT, maxPriceWad: maxUint256 }];
    if (obs.step === 26) return [{ kind: "requestCompute", quantity: 2n * CREDIT, maxPriceWad: maxUint256 }];
    return [];
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

describe("the resource market on both engines", function () {
  this.timeout(180_000);

  it("the model gives the chain battle's rows, outcomes and holdings to the wei; the chain's twin follows the contract every block", async () => {
    const s = scenario();
    const chain = await openChain(hre, { mode: s.mode, startTime: s.startTime, allowLive: false });
    const onChain: Recorded = { outcomes: [] };
    let chainRows;
    let chainAgents;
    let reconcile: string[];
    try {
      const abis = await loadSystemAbis(hre.artifacts);
      const setup = await setUpBattle(chain, s, abis, false, () => undefined);
      expect(setup.addresses.resource).to.be.a("string");
      const { world } = await createChainWorld(
        chain,
        s,
        abis,
        setup,
        (wallet) => [behaviourFor(wallet.config.id, onChain)],
        { verifyEvery: 1 },
      );
      // Every agent approved the market for its quote and its tokens, to the maximum.
      for (const w of setup.wallets) {
        for (const asset of [setup.addresses.quote, setup.addresses.token]) {
          const allowance = await chain.client.readContract({
            address: asset,
            abi: abis.byContract.quote,
            functionName: "allowance",
            args: [w.address, setup.addresses.resource!],
          });
          expect(allowance).to.equal(maxUint256);
        }
      }
      chainRows = await runAll(world, STEPS);
      chainAgents = world.agents.map((a) => ({ id: a.id, ...a.holdings }));
      reconcile = await world.reconcile();
    } finally {
      await chain.close();
    }

    const modelRecorded: Recorded = { outcomes: [] };
    const start = await setUpModel(s);
    const model = createModelWorld(s, start, (wallet) => [behaviourFor(wallet.config.id, modelRecorded)]);
    const modelRows = await runAll(model, STEPS);

    const columns = stepColumnsOf(model.mechanisms).filter((c) => c !== "gasUsed");
    expect(columns).to.include.members([
      "resourcePriceWad",
      "resourceCapacityCredits",
      "resourceDemandCredits",
      "resourceAllocatedCredits",
      "resourceUtilisationBps",
    ]);
    expect(rowMismatches(modelRows, chainRows!, columns)).to.deep.equal([]);
    expect(modelRecorded.outcomes).to.deep.equal(onChain.outcomes);
    expect(model.agents.map((a) => ({ id: a.id, ...a.holdings }))).to.deep.equal(chainAgents);
    expect(reconcile!).to.deep.equal([]);

    // The run did what it says: every revert, rationed blocks in the burst, the price up and back down.
    const errors = onChain.outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error.replace(/\(.*$/, "")]));
    expect([...new Set(errors)].sort()).to.deep.equal(
      [
        "CapacityInUse",
        "ERC20InsufficientBalance",
        "InsufficientCapacity",
        "InsufficientCredits",
        "NothingToClaim",
        "PriceAboveLimit",
        "ZeroAmount",
      ].sort(),
    );
    const rows = chainRows!;
    const burst = rows.slice(8, 18);
    expect(
      burst.some((r) => r.resourceUtilisationBps === 10_000n && r.resourceDemandCredits! > r.resourceAllocatedCredits!),
    ).to.equal(true);
    const peak = rows.reduce((m, r) => (r.resourcePriceWad! > m ? r.resourcePriceWad! : m), 0n);
    expect(peak > 2n * CREDIT).to.equal(true);
    expect(rows.at(-1)!.resourcePriceWad! < peak).to.equal(true);
    for (const r of rows) expect(r.resourceAllocatedCredits! <= r.resourceCapacityCredits!).to.equal(true);
    expect(rows.at(-1)!.resourceCapacityCredits).to.equal(160n * CREDIT);
    expect(rows.reduce((sum, r) => sum + r.resourcePaidQuote!, 0n) > 0n).to.equal(true);
  });

  it("a genesis without a resource section deploys no resource market and writes none of its columns", async () => {
    const s = scenario("genesis/default.json");
    const start = await setUpModel(s);
    expect(start.twins.has("resource")).to.equal(false);
    const world = createModelWorld(s, start, () => []);
    expect(stepColumnsOf(world.mechanisms)).to.not.include("resourcePriceWad");
  });
});
