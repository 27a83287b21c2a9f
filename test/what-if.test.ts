// A what-if on a snapshot: it leaves the chain exactly as it was and the battle around it unaffected,
// repeats itself for the same seed, applies the change as the Timelock would and names a revert.

import { expect } from "chai";
import type { ChainBackend } from "../agents/engine/chain-backend.ts";
import hre from "hardhat";
import { type Address, parseAbi } from "viem";

import { readParameters } from "../agents/governance/protocol/changes.ts";
import { type EvaluationChain, prepareEvaluationChain } from "../agents/governance/evaluation/evaluation-chain.ts";
import { parameterProposal } from "../agents/governance/protocol/proposal.ts";
import { agentGroups, ProposalExecutionReverted, runWhatIf } from "../agents/governance/evaluation/what-if.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import type { Scenario } from "../agents/inputs/scenario-types.ts";
import { expectClose } from "./helpers/close.ts";

const ERC20 = parseAbi(["function balanceOf(address) view returns (uint256)"]);
const DAY = 86_400n;

describe("what-if", function () {
  this.timeout(120_000);
  let scenario: Scenario;
  const open: EvaluationChain[] = [];

  before(async () => {
    scenario = await loadScenario("scenarios/calm.yaml");
  });
  after(async () => {
    for (const c of open) await c.close();
  });

  async function prepared(warmup: number): Promise<EvaluationChain> {
    const c = await prepareEvaluationChain(hre, { scenario, warmup });
    open.push(c);
    return c;
  }

  async function chainState(c: EvaluationChain) {
    const { chain, addresses, wallets } = c.ctx;
    const block = await chain.client.getBlock();
    const balances: bigint[] = [];
    for (const w of wallets) {
      for (const token of [addresses.token, addresses.quote, addresses.pool])
        balances.push(
          await chain.client.readContract({
            address: token,
            abi: ERC20,
            functionName: "balanceOf",
            args: [w.address as Address],
          }),
        );
    }
    const treasury = await chain.client.readContract({
      address: addresses.quote,
      abi: ERC20,
      functionName: "balanceOf",
      args: [addresses.treasury],
    });
    const parameters = [...(await readParameters(chain.client, addresses.store)).values()];
    const pending = await chain.request<{ transactions: unknown[] }>("eth_getBlockByNumber", ["pending", false]);
    return {
      number: block.number,
      hash: block.hash,
      timestamp: block.timestamp,
      balances,
      treasury,
      parameters,
      pending: pending.transactions.length,
    };
  }

  const feeChange = (c: EvaluationChain) =>
    parameterProposal(
      c.ctx.addresses.store,
      [
        { key: "market.buyFeeBps", value: 150n },
        { key: "market.sellFeeBps", value: 150n },
      ],
      "Raise curve fees to 1.5%",
    );

  it("leaves the chain exactly as it was, and the battle around it steps on as if nothing happened", async () => {
    const a = await prepared(5);
    const b = await prepared(5);
    const before = await chainState(a);
    expect(before).to.deep.equal(await chainState(b));

    const applyAt = before.timestamp + DAY + 60n;
    const run = await runWhatIf(a.ctx, { seed: 7n, blocks: 20, applyAt, actions: feeChange(a) });
    expect(run.steps).to.have.length(20);
    expect(run.execution!.gasUsed > 0n).to.equal(true);
    // Both arms start in the block after the change's; the arm ran on the changed fees (1.5% of volume).
    expect(run.execution!.block).to.equal(before.number + 1n);
    expect(run.steps[0]!.block).to.equal(before.number + 2n);
    const fees = run.steps.reduce((sum, s) => sum + s.curveFeesQuote, 0n);
    const volume = run.steps.reduce((sum, s) => sum + s.curveVolumeQuote, 0n);
    expectClose(Number(fees) / Number(volume), 0.014, 0.0011, "curve fees / curve volume with 1.5% fees");

    expect(await chainState(a)).to.deep.equal(before);
    for (let i = 0; i < 3; i++) {
      const [ra, rb] = [await a.world!.runStep(), await b.world!.runStep()];
      expect(ra.row).to.deep.equal(rb.row);
      expect(ra.events.map((e) => [e.agent, e.fn, e.status, e.gasUsed])).to.deep.equal(
        rb.events.map((e) => [e.agent, e.fn, e.status, e.gasUsed]),
      );
    }
    expect(await (a.world!.backend as ChainBackend).reconcile(a.world!.agents)).to.deep.equal([]);
  });

  it("gives the same arm for the same seed and another for another seed", async () => {
    const c = await prepared(0);
    const applyAt = BigInt((await c.ctx.chain.client.getBlock()).timestamp) + DAY + 60n;
    const one = await runWhatIf(c.ctx, { seed: 3n, blocks: 25, applyAt });
    const two = await runWhatIf(c.ctx, { seed: 3n, blocks: 25, applyAt });
    const other = await runWhatIf(c.ctx, { seed: 4n, blocks: 25, applyAt });
    expect(two.steps).to.deep.equal(one.steps);
    expect(two.agents).to.deep.equal(one.agents);
    expect(two.gas).to.deep.equal(one.gas);
    expect(other.steps).to.not.deep.equal(one.steps);
    // Without the change, the arm starts from the pre-change market and the baseline is the start value.
    expect(one.agents.every((a) => a.pnlQuote === a.finalValueQuote - a.baselineValueQuote - a.gasQuote)).to.equal(
      true,
    );
    expect(one.agents.find((a) => a.agent === "noise-3")!.group).to.equal("noise");
  });

  it("names the revert when the Timelock could not make the change then, and still reverts the chain", async () => {
    const c = await prepared(0);
    const before = await chainState(c);
    let error: unknown;
    try {
      await runWhatIf(c.ctx, { seed: 1n, blocks: 5, applyAt: before.timestamp + 60n, actions: feeChange(c) });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ProposalExecutionReverted);
    expect((error as Error).message).to.match(/ParameterUpdateTooEarly\(/);
    expect((error as Error).message).to.include("later applyAt");
    expect(await chainState(c)).to.deep.equal(before);
  });

  it("refuses a time that is not after the latest block", async () => {
    const c = await prepared(0);
    const latest = BigInt((await c.ctx.chain.client.getBlock()).timestamp);
    let error: unknown;
    try {
      await runWhatIf(c.ctx, { seed: 1n, blocks: 5, applyAt: latest });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.include(`applyAt ${latest} is not after the latest block`);
  });

  it("groups copies of one scenario entry and leaves single agents alone", () => {
    const groups = agentGroups(["noise-1", "noise-2", "lp", "whale-2", "arb"]);
    expect([...groups.values()]).to.deep.equal(["noise", "noise", "lp", "whale-2", "arb"]);
  });
});
