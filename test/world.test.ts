// The World's block model on the in-process chain: one block per step at 12 s, the two ordering
// modes, the pending block, reverts recorded with their decoded error, and holdings kept from
// receipts equal to the chain's to the wei.

import { expect } from "chai";
import hre from "hardhat";

import type { Behaviour, PendingTx } from "../agents/behaviours/behaviour.ts";
import type { Intent, Observation } from "../agents/mechanisms/vocabulary.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { type Chain, openChain } from "../agents/chain/chain.ts";
import { setUpBattle } from "../agents/deploy/agents.ts";
import { loadSystemAbis } from "../agents/chain/system.ts";
import { createChainWorld } from "../agents/engine/create.ts";
import type { Participant } from "../agents/engine/participants.ts";
import type { TxEvent, World } from "../agents/engine/world.ts";
import { decodeIntent, encodeIntent } from "../agents/mechanisms/registry.ts";

const TOKEN = 10n ** 18n;
const QUOTE = 10n ** 6n;

function scenario(mode: "sequential" | "priority", agents: number): Scenario {
  return {
    source: "test",
    name: "world-test",
    description: "",
    genesis: "genesis/default.json",
    seed: 7n,
    blocks: 10,
    mode,
    blockSeconds: 12,
    policy: "test",
    startTime: 1_767_225_600,
    gas: { priorityFeeWei: 1_000_000_000n, ethPriceQuote: 3_000n * QUOTE },
    agents: Array.from({ length: agents }, (_, i) => ({
      id: `agent-${i}`,
      wallet: { kind: "derived" as const },
      funds: { quote: 50_000n * QUOTE, tokens: 1_000n * TOKEN },
      behaviours: [],
    })),
    output: { agentEvery: 1, historyLength: 8 },
  };
}

/** A behaviour that asks for the intents `plan` gives it, and remembers what it saw. */
function scripted(
  plan: (obs: Observation) => Intent[],
  react?: (pending: readonly PendingTx[]) => Intent[],
): Behaviour & { seen: Observation[]; pendingSeen: PendingTx[][] } {
  const b = {
    kind: "scripted",
    label: "scripted",
    seen: [] as Observation[],
    pendingSeen: [] as PendingTx[][],
    step(obs: Observation) {
      b.seen.push(obs);
      return plan(obs);
    },
    ...(react === undefined
      ? {}
      : {
          react(_obs: Observation, pending: readonly PendingTx[]) {
            b.pendingSeen.push([...pending]);
            return react(pending);
          },
        }),
  };
  return b;
}

async function world(s: Scenario, behaviours: Behaviour[][]): Promise<{ world: World; chain: Chain }> {
  const chain = await openChain(hre, { mode: s.mode, startTime: s.startTime, allowLive: false });
  const abis = await loadSystemAbis(hre.artifacts);
  const setup = await setUpBattle(chain, s, abis, false, () => undefined);
  let i = 0;
  const { world } = await createChainWorld(chain, s, abis, setup, () => behaviours[i++]!, { verifyEvery: 1 });
  return { world, chain };
}

describe("World", function () {
  this.timeout(60_000);

  it("mines one block per step, blockSeconds apart, and shows agents the state at the start of the step", async () => {
    const buyer = scripted(() => [{ kind: "buyCurveWithQuote", quoteIn: 100n * QUOTE, minOut: 0n }]);
    const { world: w, chain } = await world(scenario("sequential", 1), [[buyer]]);
    try {
      const first = await w.runStep();
      const second = await w.runStep();
      expect(second.row.block).to.equal(first.row.block + 1n);
      const [b1, b2] = await Promise.all(
        [first.row.block, second.row.block].map((n) => chain.client.getBlock({ blockNumber: n })),
      );
      expect(b2!.timestamp - b1!.timestamp).to.equal(12n);
      expect(b1!.transactions).to.have.length(1);
      // The second observation is the state after the first block.
      expect(buyer.seen[1]!.curve.priceWad).to.equal(first.row.curvePriceWad);
      expect(buyer.seen[1]!.history.curve).to.deep.equal([buyer.seen[0]!.curve.priceWad]);
      expect(buyer.seen[1]!.timestamp - buyer.seen[0]!.timestamp).to.equal(12n);
      expect(first.row.curveVolumeQuote).to.equal(100n * QUOTE);
    } finally {
      await chain.close();
    }
  });

  it("keeps every agent's holdings from receipts, equal to the chain's to the wei", async () => {
    const trader = (i: number) =>
      scripted((obs) =>
        obs.step % 2 === 1
          ? [
              { kind: "buyCurveWithQuote", quoteIn: BigInt(10 + i) * QUOTE, minOut: 0n },
              { kind: "swap", sell: "quote", amountIn: 5n * QUOTE, minOut: 0n },
            ]
          : [
              { kind: "sellCurve", amount: BigInt(3 + i) * TOKEN, minRefund: 0n },
              { kind: "swap", sell: "token", amountIn: 2n * TOKEN, minOut: 0n },
            ],
      );
    const { world: w, chain } = await world(scenario("sequential", 3), [[trader(0)], [trader(1)], [trader(2)]]);
    try {
      for (let i = 0; i < 6; i++) await w.runStep();
      expect(await w.reconcile()).to.deep.equal([]);
      expect(w.agents.every((a) => a.txs === 12 && a.reverts === 0)).to.equal(true);
    } finally {
      await chain.close();
    }
  });

  it("records a reverted transaction with its decoded error and goes on", async () => {
    const greedy = scripted(() => [{ kind: "swap", sell: "quote", amountIn: QUOTE, minOut: 10n ** 30n }]);
    const { world: w, chain } = await world(scenario("sequential", 1), [[greedy]]);
    try {
      const r = await w.runStep();
      expect(r.events).to.have.length(1);
      expect(r.events[0]!.status).to.equal("reverted");
      expect(r.events[0]!.error).to.match(
        /^InsufficientOutput\(amountOut=\d+, minAmountOut=1000000000000000000000000000000\)$/,
      );
      expect(r.row.reverts).to.equal(1n);
      expect(r.gas[0]!.status).to.equal("reverted");
      const next = await w.runStep();
      expect(next.row.step).to.equal(2n);
    } finally {
      await chain.close();
    }
  });

  it("records a transaction the node refuses as rejected and mines the rest of the block as if it was never sent", async () => {
    const trader = (i: number) =>
      scripted((obs) => [
        { kind: "buyCurveWithQuote", quoteIn: BigInt(10 + i) * QUOTE, minOut: 0n },
        { kind: "swap", sell: "token", amountIn: TOKEN, minOut: obs.step === 2 ? 10n ** 30n : 0n },
      ]);
    // A participant whose second call comes from an account the node does not know: the node refuses it
    // in the middle of the block's transactions (which the in-process chain sends in one batch).
    const stranger = "0x000000000000000000000000000000000000dEaD" as const;
    const participant = (refused: boolean): Participant => ({
      id: "tester",
      turn: async () =>
        refused
          ? [
              {
                from: stranger,
                to: stranger,
                data: "0x",
                gas: 50_000n,
                agent: "tester",
                role: "tester",
                contract: "Nobody",
                fn: "call",
              },
            ]
          : [],
    });
    const run = async (refused: boolean) => {
      const { world: w, chain } = await world(scenario("sequential", 3), [[trader(0)], [trader(1)], [trader(2)]]);
      try {
        w.addParticipant(participant(refused));
        const steps = [];
        for (let i = 0; i < 3; i++) steps.push(await w.runStep());
        return steps;
      } finally {
        await chain.close();
      }
    };
    const [refusedRun, plainRun] = [await run(true), await run(false)];
    for (let i = 0; i < 3; i++) {
      const rejected = refusedRun[i]!.events.filter((e) => e.status === "rejected");
      expect(rejected, `step ${i + 1}`).to.have.length(1);
      expect(rejected[0]!.error).to.match(
        /^rejected by the node: Unknown account 0x000000000000000000000000000000000000dEaD/i,
      );
      const accepted = (events: TxEvent[]) => events.filter((e) => e.status !== "rejected");
      expect(accepted(refusedRun[i]!.events)).to.deep.equal(accepted(plainRun[i]!.events));
      expect(refusedRun[i]!.row.reverts).to.equal(plainRun[i]!.row.reverts + 1n);
    }
    expect(plainRun[1]!.events.some((e) => e.status === "reverted")).to.equal(true);
  });

  it("sequential mode mines a step's transactions in the step's seeded agent order", async () => {
    const buyers = Array.from({ length: 6 }, () => [
      scripted(() => [{ kind: "buyCurveWithQuote", quoteIn: QUOTE, minOut: 0n }]),
    ]);
    const { world: w, chain } = await world(scenario("sequential", 6), buyers);
    try {
      for (let step = 0; step < 3; step++) {
        const r = await w.runStep();
        const block = await chain.client.getBlock({ blockNumber: r.row.block, includeTransactions: true });
        const senders = block.transactions.map((t) => t.from.toLowerCase());
        const decided = r.events.map((e) => w.agents.find((a) => a.id === e.agent)!.address.toLowerCase());
        expect(senders).to.deep.equal(decided);
      }
    } finally {
      await chain.close();
    }
  });

  it("priority mode lets a behaviour read the pending block and outbid it", async () => {
    const victim = scripted(() => [
      { kind: "buyCurve", amount: 10_000n * TOKEN, maxCost: 1_000n * QUOTE, note: "big buy" },
    ]);
    const front = scripted(
      () => [],
      (pending) =>
        pending
          .filter((p) => p.intent.kind === "buyCurve")
          .map(
            (p) =>
              ({ kind: "buyCurve", amount: TOKEN, maxCost: QUOTE, priorityFeeWei: p.priorityFeeWei + 1n }) as Intent,
          ),
    );
    const { world: w, chain } = await world(scenario("priority", 2), [[victim], [front]]);
    try {
      const r = await w.runStep();
      expect(front.pendingSeen[0]!.map((p) => p.agentId)).to.deep.equal(["agent-0"]);
      expect(front.pendingSeen[0]![0]!.intent).to.deep.include({
        kind: "buyCurve",
        amount: 10_000n * TOKEN,
        maxCost: 1_000n * QUOTE,
      });
      const block = await chain.client.getBlock({ blockNumber: r.row.block, includeTransactions: true });
      const [first, second] = block.transactions;
      expect(first!.from.toLowerCase()).to.equal(w.agents[1]!.address.toLowerCase());
      expect(second!.from.toLowerCase()).to.equal(w.agents[0]!.address.toLowerCase());
      expect(first!.maxPriorityFeePerGas).to.equal(1_000_000_001n);
    } finally {
      await chain.close();
    }
  });
});

describe("intent calldata", () => {
  it("is what viem's encodeFunctionData gives for the contracts' ABIs", async () => {
    const { encodeFunctionData } = await import("viem");
    const abis = await loadSystemAbis(hre.artifacts);
    const at = {
      market: "0x1000000000000000000000000000000000000001",
      pool: "0x2000000000000000000000000000000000000002",
      vesting: "0x3000000000000000000000000000000000000003",
      quote: "0x4000000000000000000000000000000000000004",
      token: "0x5000000000000000000000000000000000000005",
      lens: "0x6000000000000000000000000000000000000006",
      treasury: "0x7000000000000000000000000000000000000007",
    } as const;
    const agent = "0xabcdef0000000000000000000000000000000008";
    const big = (1n << 255n) + 12345n;
    const cases: [Intent, string, unknown[], "market" | "pool" | "vesting"][] = [
      [{ kind: "buyCurve", amount: big, maxCost: 7n }, "buyExactTokens", [big, 7n, agent, 99n], "market"],
      [{ kind: "buyCurveWithQuote", quoteIn: 5n, minOut: big }, "buyExactQuote", [5n, big, agent, 99n], "market"],
      [{ kind: "sellCurve", amount: 1n, minRefund: 0n }, "sell", [1n, 0n, agent, 99n], "market"],
      [
        { kind: "swap", sell: "token", amountIn: 3n, minOut: 2n },
        "swapExactIn",
        [at.token, 3n, 2n, agent, 99n],
        "pool",
      ],
      [
        { kind: "swap", sell: "quote", amountIn: 3n, minOut: 2n },
        "swapExactIn",
        [at.quote, 3n, 2n, agent, 99n],
        "pool",
      ],
      [
        { kind: "addLiquidity", tokens: 1n, quote: 2n, minTokens: 3n, minQuote: 4n },
        "addLiquidity",
        [1n, 2n, 3n, 4n, agent, 99n],
        "pool",
      ],
      [
        { kind: "removeLiquidity", liquidity: 1n, minTokens: 2n, minQuote: 3n },
        "removeLiquidity",
        [1n, 2n, 3n, agent, 99n],
        "pool",
      ],
      [{ kind: "releaseVested" }, "releaseAll", [agent], "vesting"],
    ];
    for (const [intent, functionName, args, contract] of cases) {
      const encoded = encodeIntent(intent, { agent, deadline: 99n, addresses: at });
      expect(encoded.data, functionName).to.equal(
        encodeFunctionData({ abi: abis.byContract[contract], functionName, args } as never),
      );
      expect(encoded.to).to.equal(at[contract]);
      // and back: a pending transaction's calldata decodes to the intent that made it
      expect(decodeIntent(encoded.to, encoded.data, { abis, addresses: at }), functionName).to.deep.equal(intent);
    }
    expect(() =>
      encodeIntent({ kind: "sellCurve", amount: -1n, minRefund: 0n }, { agent, deadline: 99n, addresses: at }),
    ).to.throw(RangeError);
    expect(
      decodeIntent(
        at.quote,
        encodeFunctionData({ abi: abis.byContract.quote, functionName: "approve", args: [agent, 1n] }),
        { abis, addresses: at },
      ),
    ).to.equal(undefined);
  });
});
