// One fixed sequence of raw JSON-RPC requests, run on any chain, and everything it observed: the
// transaction hashes, receipts, errors, call results and every block header. Two chains that answer
// it identically run transactions identically (test/edr-chain.test.ts).

import { type Abi, type Address, encodeDeployData, encodeFunctionData, type Hex, maxUint256 } from "viem";

import type { RequestFn } from "../../agents/chain/edr-chain.ts";

export interface Artifact {
  abi: readonly unknown[];
  bytecode: string;
}

export interface SequenceRecord {
  hashes: Hex[];
  receipts: unknown[];
  blocks: unknown[];
  errors: { method: string; message: string; data: unknown; transactionHash: unknown }[];
  calls: unknown[];
}

const START = 1_767_225_600;
const GAS = (n: bigint) => `0x${n.toString(16)}`;
const IMPERSONATED: Address[] = [
  "0x00000000000000000000000000000000000a11ce",
  "0x0000000000000000000000000000000000000b0b",
];

export async function runRawSequence(
  request: RequestFn,
  artifacts: { quote: Artifact; token: Artifact },
): Promise<SequenceRecord> {
  const record: SequenceRecord = { hashes: [], receipts: [], blocks: [], errors: [], calls: [] };
  const accounts = await request<Address[]>("eth_accounts");
  const [deployer, minter] = [accounts[0]!, accounts[1]!];
  const send = async (tx: Record<string, string>) => {
    try {
      const hash = await request<Hex>("eth_sendTransaction", [tx]);
      record.hashes.push(hash);
      return hash;
    } catch (error) {
      const e = error as { message: string; data?: unknown; transactionHash?: unknown };
      record.errors.push({
        method: "eth_sendTransaction",
        message: e.message,
        data: e.data ?? null,
        transactionHash: e.transactionHash ?? null,
      });
      return undefined;
    }
  };
  const fees = (priority: bigint) => ({ maxFeePerGas: GAS(10n ** 12n), maxPriorityFeePerGas: GAS(priority) });

  await request("evm_setNextBlockTimestamp", [START]);
  const quoteAbi = artifacts.quote.abi as Abi;
  const tokenAbi = artifacts.token.abi as Abi;
  await send({
    from: deployer,
    data: encodeDeployData({ abi: quoteAbi, bytecode: artifacts.quote.bytecode as Hex }),
    gas: GAS(3_000_000n),
    ...fees(1n),
  });
  await send({
    from: deployer,
    data: encodeDeployData({
      abi: tokenAbi,
      bytecode: artifacts.token.bytecode as Hex,
      args: ["Arena", "ARENA", minter],
    }),
    gas: GAS(5_000_000n),
    ...fees(2n),
  });
  const deployed = await Promise.all(
    record.hashes.map((h) => request<{ contractAddress: Address }>("eth_getTransactionReceipt", [h])),
  );
  const [quote, token] = deployed.map((r) => r.contractAddress) as [Address, Address];

  for (const who of IMPERSONATED) {
    await request("hardhat_impersonateAccount", [who]);
    await request("hardhat_setBalance", [who, GAS(10n ** 21n)]);
  }
  const call = (to: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);

  // Automine: one block per transaction.
  await send({
    from: deployer,
    to: quote,
    data: call(quote, quoteAbi, "mint", [IMPERSONATED[0], 5_000_000n]),
    gas: GAS(100_000n),
    ...fees(3n),
  });
  await send({
    from: minter,
    to: token,
    data: call(token, tokenAbi, "mint", [IMPERSONATED[0], 10n ** 21n]),
    gas: GAS(200_000n),
    ...fees(1n),
  });
  // A revert with automine on is an error answer (throwOnTransactionFailures).
  await send({
    from: IMPERSONATED[1]!,
    to: quote,
    data: call(quote, quoteAbi, "transfer", [IMPERSONATED[0], 1n]),
    gas: GAS(100_000n),
    ...fees(1n),
  });

  // Blocks the caller mines, at explicit timestamps, several senders per block.
  await request("evm_setAutomine", [false]);
  let timestamp = START + 100;
  for (let block = 0; block < 3; block++) {
    await send({
      from: IMPERSONATED[0]!,
      to: quote,
      data: call(quote, quoteAbi, "approve", [IMPERSONATED[1], maxUint256]),
      gas: GAS(100_000n),
      ...fees(5n),
    });
    await send({
      from: IMPERSONATED[0]!,
      to: token,
      data: call(token, tokenAbi, "delegate", [IMPERSONATED[block % 2]]),
      gas: GAS(200_000n),
      ...fees(7n),
    });
    await send({
      from: IMPERSONATED[1]!,
      to: quote,
      data: call(quote, quoteAbi, "transferFrom", [IMPERSONATED[0], IMPERSONATED[1], 1_000n + BigInt(block)]),
      gas: GAS(100_000n),
      ...fees(BigInt(block)),
    });
    // Reverts in the block: more than the balance.
    await send({
      from: IMPERSONATED[1]!,
      to: token,
      data: call(token, tokenAbi, "transfer", [deployer, 1n]),
      gas: GAS(100_000n),
      ...fees(2n),
    });
    await send({ from: deployer, to: IMPERSONATED[1]!, value: GAS(12345n), gas: GAS(21_000n), ...fees(1n) });
    await request("evm_mine", [timestamp]);
    timestamp += 12;
  }
  await request("hardhat_mine", ["0x5", "0xc"]);

  for (const hash of record.hashes) {
    const r = await request<Record<string, unknown>>("eth_getTransactionReceipt", [hash]);
    record.receipts.push(r);
    if (r.status === "0x0") {
      const trace = await request<{ returnValue?: string; gas?: number; failed?: boolean }>("debug_traceTransaction", [
        hash,
        { disableStack: true, disableMemory: true, disableStorage: true },
      ]);
      record.calls.push({ hash, returnValue: trace.returnValue, gas: trace.gas, failed: trace.failed });
    }
  }
  record.calls.push(
    await request("eth_call", [{ to: token, data: call(token, tokenAbi, "getVotes", [IMPERSONATED[0]]) }, "latest"]),
    await request("eth_estimateGas", [
      { from: IMPERSONATED[0], to: quote, data: call(quote, quoteAbi, "transfer", [deployer, 7n]) },
    ]),
    await request("eth_getBalance", [EDR_COINBASE_ADDRESS, "latest"]),
    await request("eth_getProof", [token, [], "latest"]),
  );
  const latest = Number(await request<Hex>("eth_blockNumber"));
  for (let n = 0; n <= latest; n++) record.blocks.push(await request("eth_getBlockByNumber", [GAS(BigInt(n)), false]));
  return record;
}

const EDR_COINBASE_ADDRESS = "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e";

/** Block hashes of a few mined transfers (the worker helper runs the same). */
export async function transferBlocks(request: RequestFn): Promise<string[]> {
  const [from, to] = await request<string[]>("eth_accounts");
  const hashes: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await request("eth_sendTransaction", [
      {
        from,
        to,
        value: `0x${i.toString(16)}`,
        gas: "0x5208",
        maxFeePerGas: "0x3b9aca00",
        maxPriorityFeePerGas: "0x1",
      },
    ]);
    hashes.push((await request<{ hash: string }>("eth_getBlockByNumber", ["latest", false])).hash);
  }
  return hashes;
}
