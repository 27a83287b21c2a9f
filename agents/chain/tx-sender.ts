// Sending transactions into the pending block and mining it. Every transaction carries a fixed gas
// limit and explicit fees, so sending costs exactly one request; receipts are fetched together after
// the block is mined (concurrent requests overlap the provider's round trips).

import { type Abi, type Address, decodeErrorResult, type Hex } from "viem";

import type { Chain } from "./chain.ts";
import { messageOf } from "../core/errors.ts";
import { BattleError } from "./errors.ts";
import type { SystemAbis } from "./system.ts";

export interface TxRequest {
  from: Address;
  to: Address | null;
  data: Hex;
  gas: bigint;
  priorityFeeWei?: bigint;
  /** Wei sent with the call (a proposal's value); none when absent. */
  value?: bigint;
  contract: string;
  fn: string;
}

export interface SentTx extends TxRequest {
  hash: Hex;
  priorityFeeWei: bigint;
}

export interface MinedReceipt {
  hash: Hex;
  status: "success" | "reverted";
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  blockNumber: bigint;
  /** Position in its block. */
  transactionIndex: number;
  timestamp: bigint;
  logs: { address: string; topics: Hex[]; data: Hex }[];
  contractAddress?: Address;
}

interface RpcReceipt {
  transactionHash: Hex;
  status: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex;
  blockNumber: Hex;
  transactionIndex: Hex;
  logs: { address: string; topics: Hex[]; data: Hex }[];
  contractAddress: Address | null;
}

/** Blocks a step may take when its transactions do not fit in one (a node with a small gas limit). */
const MAX_EXTRA_BLOCKS = 8;

export class TxSender {
  private readonly chain: Chain;
  private readonly maxFeePerGas: bigint;
  private readonly defaultPriorityFee: bigint;

  constructor(chain: Chain, fees: { maxFeePerGas: bigint; priorityFeeWei: bigint }) {
    this.chain = chain;
    this.maxFeePerGas = fees.maxFeePerGas;
    this.defaultPriorityFee = fees.priorityFeeWei;
  }

  /** Puts a transaction into the pending block; returns its hash. */
  async send(tx: TxRequest): Promise<SentTx> {
    const { request, priorityFeeWei } = this.prepare(tx);
    const hash = await this.chain.request<Hex>("eth_sendTransaction", [request]);
    return { ...tx, hash, priorityFeeWei };
  }

  /** The eth_sendTransaction parameters for `tx`: fixed gas, explicit fees. */
  prepare(tx: TxRequest): { request: Record<string, string>; priorityFeeWei: bigint } {
    const priorityFeeWei = tx.priorityFeeWei ?? this.defaultPriorityFee;
    // Anvil mines by fee cap: there the cap is the priority fee (the same price at its base fee of 0).
    const cap = this.chain.ordersByFeeCap ? priorityFeeWei : this.maxFeePerGas;
    const maxFee = cap > priorityFeeWei ? cap : priorityFeeWei;
    const request: Record<string, string> = {
      from: tx.from,
      data: tx.data,
      gas: hex(tx.gas),
      maxFeePerGas: hex(maxFee),
      maxPriorityFeePerGas: hex(priorityFeeWei),
    };
    if (tx.to !== null) request.to = tx.to;
    if (tx.value !== undefined && tx.value > 0n) request.value = hex(tx.value);
    return { request, priorityFeeWei };
  }

  /**
   * Mines the pending block at `timestamp` and returns the receipts of `txs` in their order. A
   * transaction left out of the block (it did not fit) is mined in the next block, one second later.
   */
  async mine(txs: readonly SentTx[], timestamp: bigint): Promise<MinedReceipt[]> {
    let at = timestamp;
    let receipts: (RpcReceipt | null)[];
    if (this.chain.inProcess) {
      // One call into the in-process chain mines the block and reads its receipts (a batch runs in order).
      const answers = await this.chain.batch<RpcReceipt | null>([
        { method: "evm_mine", params: [Number(at)] },
        ...txs.map((t) => ({ method: "eth_getTransactionReceipt", params: [t.hash] })),
      ]);
      receipts = answers.slice(1);
    } else {
      await this.chain.request("evm_mine", [Number(at)]);
      receipts = await this.receipts(txs);
    }
    for (let extra = 0; receipts.some((r) => r === null); extra++) {
      if (extra >= MAX_EXTRA_BLOCKS) {
        const missing = txs.filter((_, i) => receipts[i] === null).map((t) => t.hash);
        throw new BattleError(
          `${missing.length} transactions were still pending after ${MAX_EXTRA_BLOCKS + 1} blocks (first ${missing[0]}); the block gas limit is too small for this step`,
        );
      }
      at += 1n;
      await this.chain.request("evm_mine", [Number(at)]);
      receipts = await this.receipts(txs);
    }
    // Block k of this step was mined at timestamp + k.
    const mined = receipts as RpcReceipt[];
    const firstBlock = mined.reduce(
      (min, r) => (BigInt(r.blockNumber) < min ? BigInt(r.blockNumber) : min),
      mined.length > 0 ? BigInt(mined[0]!.blockNumber) : 0n,
    );
    const out: MinedReceipt[] = [];
    for (const r of mined) {
      const blockNumber = BigInt(r.blockNumber);
      const ts = timestamp + (blockNumber - firstBlock);
      out.push({
        hash: r.transactionHash,
        status: r.status === "0x1" ? "success" : "reverted",
        gasUsed: BigInt(r.gasUsed),
        effectiveGasPrice: BigInt(r.effectiveGasPrice),
        blockNumber,
        transactionIndex: Number(r.transactionIndex),
        timestamp: ts,
        logs: r.logs,
        ...(r.contractAddress === null ? {} : { contractAddress: r.contractAddress }),
      });
    }
    return out;
  }

  /** The decoded error a mined transaction reverted with (`SlippageExceeded(cost=…, maxCost=…)`), from its trace. */
  async revertReason(hash: Hex, abis: SystemAbis): Promise<string> {
    let data: string | undefined;
    try {
      const trace = await this.chain.request<{ returnValue?: string; failed?: boolean }>("debug_traceTransaction", [
        hash,
        { disableStack: true, disableMemory: true, disableStorage: true },
      ]);
      data = trace.returnValue;
    } catch (error) {
      return `an error the node would not trace (${messageOf(error)})`;
    }
    if (data === undefined || data === "" || data === "0x") return "no revert data (out of gas or a bare revert)";
    return decodeRevertData(data.startsWith("0x") ? (data as Hex) : (`0x${data}` as Hex), abis.errors);
  }

  private async receipts(txs: readonly SentTx[]): Promise<(RpcReceipt | null)[]> {
    return this.chain.batch<RpcReceipt | null>(
      txs.map((t) => ({ method: "eth_getTransactionReceipt", params: [t.hash] })),
    );
  }
}

/** `Name(arg=value, …)` for a custom error, `Error("…")` or `Panic(0x11)`; the raw data when no ABI knows it. */
export function decodeRevertData(data: Hex, errors: Abi): string {
  try {
    const decoded = decodeErrorResult({ abi: errors, data });
    const abiItem = decoded.abiItem as { inputs?: readonly { name?: string }[] };
    const args = (decoded.args ?? []) as readonly unknown[];
    const parts = args.map((value, i) => {
      const name = abiItem.inputs?.[i]?.name;
      const text =
        typeof value === "bigint"
          ? value.toString()
          : typeof value === "string"
            ? JSON.stringify(value)
            : String(value);
      return name ? `${name}=${text}` : text;
    });
    return `${decoded.errorName}(${parts.join(", ")})`;
  } catch {
    return `unknown error ${data.slice(0, 10)} (${(data.length - 2) / 2} bytes)`;
  }
}

export function hex(value: bigint): Hex {
  return `0x${value.toString(16)}`;
}
