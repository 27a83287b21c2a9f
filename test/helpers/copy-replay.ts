// A battle on Hardhat's in-process chain, copied at one step into a fresh EDR chain; the copy then
// receives every transaction the battle sends afterwards (as TxSender sends them, mined at the same
// timestamps), and each step's receipts and block are recorded on both chains for comparison. At the
// last step the copy is copied once more, EDR to EDR, carrying the same harvest.

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Hex } from "viem";

import { loadContractLayouts } from "../../agents/chain/contract-layouts.ts";
import { type EdrChain, openEdrChain, type RequestFn } from "../../agents/chain/edr-chain.ts";
import { KeyHarvest } from "../../agents/chain/key-harvest.ts";
import {
  type AccountDifference,
  compareAccounts,
  copyChainState,
  type StateCopyReport,
} from "../../agents/chain/state-copy.ts";
import type { ChainBackend } from "../../agents/engine/chain-backend.ts";
import { runBattle } from "../../agents/run/battle.ts";
import type { Scenario } from "../../agents/inputs/scenario-types.ts";
import type { SentTx } from "../../agents/chain/tx-sender.ts";

export interface StepPair {
  step: number;
  hashes: { source: Hex[]; copy: Hex[] };
  receipts: { source: unknown[]; copy: unknown[] };
  blocks: { source: Record<string, unknown>; copy: Record<string, unknown> };
  reverts: { source: unknown[]; copy: unknown[] };
}

export interface CopyReplayResult {
  firstCopy: StateCopyReport;
  secondCopy: StateCopyReport;
  steps: StepPair[];
  /** Accounts that differ between the battle's chain and the copy after the last step (none expected). */
  finalDifferences: AccountDifference[];
  /** The harvest's size at the end: accounts, words. */
  harvest: { accounts: number; words: number };
  /** `Contract.function` of each governance transaction the copy received (votes, queue, execute, ...). */
  governanceCalls: string[];
}

/** Receipt fields that depend on the block hash, which differs between the chains (their histories differ). */
function withoutBlockHash(receipt: Record<string, unknown>): Record<string, unknown> {
  const { blockHash: _, ...rest } = receipt;
  return {
    ...rest,
    logs: (rest.logs as Record<string, unknown>[]).map(({ blockHash: _h, ...log }) => log),
  };
}

export async function copyAndReplay(
  hre: HardhatRuntimeEnvironment,
  scenario: Scenario,
  out: string,
  copyAtStep: number,
): Promise<CopyReplayResult> {
  const layouts = await loadContractLayouts();
  const harvest = new KeyHarvest(layouts.events);
  const order = scenario.mode === "priority" ? "priority" : "fifo";
  let copy: EdrChain | undefined;
  let firstCopy: StateCopyReport | undefined;
  let secondCopy: StateCopyReport | undefined;
  let finalDifferences: AccountDifference[] = [];
  const steps: StepPair[] = [];
  const sent = new Map<number, SentTx[]>();
  const governanceCalls: string[] = [];

  const record = async (request: RequestFn, hashes: Hex[]) => {
    const receipts = await Promise.all(
      hashes.map((h) => request<Record<string, unknown>>("eth_getTransactionReceipt", [h])),
    );
    const reverts = [];
    for (const r of receipts) {
      if (r.status !== "0x0") continue;
      const trace = await request<{ returnValue?: string }>("debug_traceTransaction", [
        r.transactionHash,
        { disableStack: true, disableMemory: true, disableStorage: true },
      ]);
      reverts.push(trace.returnValue);
    }
    const block = await request<Record<string, unknown>>("eth_getBlockByNumber", [
      receipts[0]?.blockNumber ?? "latest",
      false,
    ]);
    return { receipts: receipts.map(withoutBlockHash), block, reverts };
  };

  try {
    await runBattle(hre, {
      scenario,
      out,
      quiet: true,
      noReport: true,
      onStep: async (step, world) => {
        if (step === copyAtStep) {
          copy = await openEdrChain({ startTime: scenario.startTime, mempoolOrder: order });
          firstCopy = await copyChainState(world.chain!.request, copy.request, {
            harvest,
            layouts,
            impersonate: world.agents.map((a) => a.address),
            // The protocol agent and the genesis holders are participants, not agents.
            impersonateSenders: true,
          });
          (world.backend as ChainBackend).onSent = (tx) => {
            const s = world.step;
            const list = sent.get(s) ?? [];
            list.push(tx);
            sent.set(s, list);
            if (!["BondingCurveMarket", "ConstantProductPool"].includes(tx.contract))
              governanceCalls.push(`${tx.contract}.${tx.fn}`);
          };
          return;
        }
        if (copy === undefined) return;
        const txs = sent.get(step) ?? [];
        const hashes: Hex[] = [];
        for (const tx of txs) {
          const maxFee = 10n ** 12n > tx.priorityFeeWei ? 10n ** 12n : tx.priorityFeeWei;
          const request: Record<string, string> = {
            from: tx.from,
            data: tx.data,
            gas: `0x${tx.gas.toString(16)}`,
            maxFeePerGas: `0x${maxFee.toString(16)}`,
            maxPriorityFeePerGas: `0x${tx.priorityFeeWei.toString(16)}`,
          };
          if (tx.to !== null) request.to = tx.to;
          if (tx.value !== undefined && tx.value > 0n) request.value = `0x${tx.value.toString(16)}`;
          hashes.push(await copy.request<Hex>("eth_sendTransaction", [request]));
        }
        await copy.request("evm_mine", [Number(world.timestampOf(step))]);
        const source = await record(
          world.chain!.request,
          txs.map((t) => t.hash),
        );
        const copied = await record(copy.request, hashes);
        steps.push({
          step,
          hashes: { source: txs.map((t) => t.hash), copy: hashes },
          receipts: { source: source.receipts, copy: copied.receipts },
          blocks: { source: source.block, copy: copied.block },
          reverts: { source: source.reverts, copy: copied.reverts },
        });
        if (step === scenario.blocks) {
          finalDifferences = await compareAccounts(world.chain!.request, copy.request, [...harvest.accounts]);
          // The copy moves on once more, EDR to EDR, with the same harvest (its blocks below the first copy are empty).
          const next = await openEdrChain({ startTime: scenario.startTime, mempoolOrder: order });
          try {
            secondCopy = await copyChainState(copy.request, next.request, {
              harvest,
              layouts,
              impersonate: world.agents.map((a) => a.address),
              impersonateSenders: true,
            });
          } finally {
            await next.close();
          }
        }
      },
    });
  } finally {
    await copy?.close();
  }
  if (firstCopy === undefined || secondCopy === undefined)
    throw new Error(`the battle ended before step ${copyAtStep} or its last step`);
  return {
    firstCopy,
    secondCopy,
    steps,
    finalDifferences,
    harvest: { accounts: harvest.accounts.size, words: harvest.words.size },
    governanceCalls,
  };
}
