// Moving a running chain to a fresh EDR chain, exactly. A governance battle (proposals, votes, queue,
// execute through the Timelock) is copied mid-run from Hardhat's network; the copy then gets every
// transaction the battle sends afterwards and must give the same hashes, receipts, reverts and blocks
// (state roots included) step after step; at the end it is copied again, EDR to EDR. A priority-mode
// battle (a front-runner reading the pending block) does the same. A harvest that misses keys, and
// destinations that cannot continue the source, are refused with errors that say why.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { type Abi, encodeDeployData, encodeFunctionData, type Hex, keccak256, maxUint256, toHex } from "viem";

import { loadContractLayouts } from "../agents/chain/contract-layouts.ts";
import { type EdrChain, openEdrChain } from "../agents/chain/edr-chain.ts";
import { KeyHarvest } from "../agents/chain/key-harvest.ts";
import { copyChainState, StateCopyError } from "../agents/chain/state-copy.ts";
import { loadScenario } from "../agents/inputs/scenario.ts";
import { type CopyReplayResult, copyAndReplay } from "./helpers/copy-replay.ts";

const START = 1_767_225_600;
const EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
/** An account no chain unlocks: only the run's transactions show it. */
const HOLDER: Hex = "0x00000000000000000000000000000000000a11ce";

/** The fields of two blocks that follow from their state and transactions (their hashes differ: see below). */
function blockContent(block: Record<string, unknown>) {
  const { hash: _h, parentHash: _p, parentBeaconBlockRoot: _b, size: _s, ...content } = block;
  return content;
}

function word(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}

/** Deploys `runtime` with a constructor that stores `value` at `slot`: a contract none of the artifacts knows. */
async function deployRaw(chain: EdrChain, runtime: Hex, slot: bigint, value: bigint): Promise<string> {
  const length = (runtime.length - 2) / 2;
  const hex2 = (n: number) => n.toString(16).padStart(4, "0");
  // PUSH32 value, PUSH32 slot, SSTORE; CODECOPY(0, 82, length); RETURN(0, length)
  const init = `0x7f${word(value)}7f${word(slot)}5561${hex2(length)}61${hex2(82)}60003961${hex2(length)}6000f3${runtime.slice(2)}`;
  const hash = await chain.request<Hex>("eth_sendTransaction", [
    { from: chain.accounts[0], data: init, gas: "0x30d40", maxFeePerGas: "0xe8d4a51000", maxPriorityFeePerGas: "0x0" },
  ]);
  return (await chain.request<{ contractAddress: string }>("eth_getTransactionReceipt", [hash])).contractAddress;
}

function expectSameContinuation(result: CopyReplayResult, steps: number) {
  expect(result.steps).to.have.length(steps);
  let txs = 0;
  for (const pair of result.steps) {
    const at = `step ${pair.step}`;
    expect(pair.hashes.copy, at).to.deep.equal(pair.hashes.source);
    expect(pair.receipts.copy, at).to.deep.equal(pair.receipts.source);
    expect(pair.reverts.copy, at).to.deep.equal(pair.reverts.source);
    expect(blockContent(pair.blocks.copy), at).to.deep.equal(blockContent(pair.blocks.source));
    txs += pair.hashes.source.length;
  }
  expect(txs).to.be.greaterThan(steps / 2);
  expect(result.finalDifferences).to.deep.equal([]);
}

describe("copying a chain's state to a fresh EDR chain", function () {
  this.timeout(600_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-state-copy-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("a governance battle", () => {
    let result: CopyReplayResult;
    before(async () => {
      const scenario = await loadScenario("scenarios/governance.yaml");
      // Copied at step 100: proposal 1 (proposed at 61) is queued then and executes at 116; proposal 2 comes at 121.
      result = await copyAndReplay(hre, scenario, join(root, "governance"), 100);
    });

    it("copies every contract of the system, verified by each account's proof and the state root", () => {
      const names = result.firstCopy.contracts.map((c) => c.contract?.split(":")[1]);
      expect(names).to.include.members([
        "ArenaToken",
        "QuoteToken",
        "BondingCurveMarket",
        "ConstantProductPool",
        "Vesting",
        "ParameterStore",
        "ArenaGovernor",
        "ArenaTimelock",
      ]);
      expect(result.firstCopy.contracts.every((c) => c.contract !== undefined)).to.equal(true);
      expect(result.firstCopy.block).to.be.greaterThan(100n);
      expect(result.firstCopy.slots).to.be.greaterThan(100);
    });

    it("continues exactly as the battle's chain: same hashes, receipts, reverts and blocks for 60 steps", () => {
      expectSameContinuation(result, 60);
      // The queue, the execution through the Timelock, the next proposal and its votes went through the copy too.
      expect(result.governanceCalls).to.include.members([
        "ArenaGovernor.queue",
        "ArenaGovernor.execute",
        "ArenaGovernor.propose",
        "ArenaGovernor.castVoteWithReason",
      ]);
    });

    it("copies again from the copy at the end, EDR to EDR, with the same harvest", () => {
      expect(result.secondCopy.block).to.equal(result.firstCopy.block + 60n);
      expect(result.secondCopy.stateRoot).to.equal(result.steps.at(-1)!.blocks.source.stateRoot);
      // Only the blocks after the first copy were scanned again.
      expect(result.secondCopy.scanned.blocks).to.equal(60);
    });
  });

  it("continues a priority-mode battle whose front-runner reads the pending block", async () => {
    const base = await loadScenario("scenarios/front-running.yaml");
    const result = await copyAndReplay(hre, { ...base, blocks: 50 }, join(root, "front-running"), 20);
    expectSameContinuation(result, 30);
  });

  describe("on small chains", () => {
    const chains: EdrChain[] = [];
    const open = async (startTime = START) => {
      const chain = await openEdrChain({ startTime });
      chains.push(chain);
      return chain;
    };
    afterEach(async () => {
      for (const c of chains.splice(0)) await c.close();
    });

    /** A token with a long symbol (a string over several slots), delegated votes (checkpoints), an allowance. */
    async function tokenChain(): Promise<{ chain: EdrChain; token: Hex }> {
      const chain = await open();
      const artifact = await hre.artifacts.readArtifact("ArenaToken");
      const abi = artifact.abi as Abi;
      const [deployer, minter] = chain.accounts as [Hex, Hex];
      await chain.request("hardhat_impersonateAccount", [HOLDER]);
      await chain.request("hardhat_setBalance", [HOLDER, "0xde0b6b3a7640000"]);
      const holder = HOLDER;
      const fees = { maxFeePerGas: "0xe8d4a51000", maxPriorityFeePerGas: "0x1" };
      const send = (from: Hex, to: Hex | undefined, data: Hex, gas = "0x7a120") =>
        chain.request<Hex>("eth_sendTransaction", [{ from, ...(to === undefined ? {} : { to }), data, gas, ...fees }]);
      // EIP-712 wants a short name; the symbol is a plain string, stored in several slots when long.
      const symbol = "ARENA-WITH-A-SYMBOL-LONGER-THAN-THIRTY-ONE-BYTES";
      const hash = await send(
        deployer,
        undefined,
        encodeDeployData({ abi, bytecode: artifact.bytecode as Hex, args: ["Arena", symbol, minter] }),
        "0x4c4b40",
      );
      const token = (await chain.request<{ contractAddress: Hex }>("eth_getTransactionReceipt", [hash]))
        .contractAddress;
      const call = (functionName: string, args: readonly unknown[]) =>
        encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
      await send(minter, token, call("mint", [holder, 10n ** 21n]));
      await send(holder, token, call("delegate", [holder]));
      await send(holder, token, call("approve", [deployer, maxUint256]));
      await send(holder, token, call("transfer", [deployer, 10n ** 18n]));
      return { chain, token };
    }

    it("copies a long string, checkpoints and allowances, and names the contract a harvest without its events misses", async () => {
      const { chain, token } = await tokenChain();
      const layouts = await loadContractLayouts();
      const copied = await copyChainState(chain.request, (await open()).request, {
        harvest: new KeyHarvest(layouts.events),
        layouts,
        impersonate: [HOLDER],
      });
      const tokenCopy = copied.contracts.find((c) => c.address === token.toLowerCase());
      expect(tokenCopy?.contract).to.equal("project/contracts/ArenaToken.sol:ArenaToken");

      // A harvest that never saw the holder's transactions nor the token's logs misses its balance slot,
      // checkpoints and allowance.
      const blind = new KeyHarvest();
      blind.observeTransaction({ from: chain.accounts[0], to: token });
      blind.scannedThrough = BigInt(await chain.request<Hex>("eth_blockNumber"));
      const error = await copyChainState(chain.request, (await open()).request, { harvest: blind, layouts }).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(StateCopyError);
      const differences = (error as StateCopyError).differences;
      expect(differences.map((d) => d.address)).to.include(token.toLowerCase());
      const tokenDifference = differences.find((d) => d.address === token.toLowerCase())!;
      expect(tokenDifference.contract).to.equal("project/contracts/ArenaToken.sol:ArenaToken");
      expect(tokenDifference.fields.map((f) => f.field)).to.deep.equal(["storageHash"]);
      expect((error as Error).message)
        .to.include(token.toLowerCase())
        .and.include("storageHash");
    });

    it("reads the PUSH32 slots of code no layout describes, and names such a contract when its storage is elsewhere", async () => {
      const chain = await open();
      const fixedSlot = BigInt(keccak256(toHex("arena.test.namespace"))); // as an ERC-7201 namespace would be
      const withConstant = await deployRaw(chain, `0x7f${word(fixedSlot)}00`, fixedSlot, 7n);
      const copied = await copyChainState(chain.request, (await open()).request, { harvest: new KeyHarvest() });
      expect(copied.contracts).to.deep.include({ address: withConstant, contract: undefined, slots: 1 });

      const elsewhere = await deployRaw(chain, "0x00", 0x1234n, 42n);
      const error = await copyChainState(chain.request, (await open()).request, { harvest: new KeyHarvest() }).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(StateCopyError);
      expect((error as StateCopyError).differences).to.deep.equal([
        {
          address: elsewhere,
          note: "its code is none of the compiled contracts: no storage layout to walk",
          fields: [
            {
              field: "storageHash",
              source: (await chain.request<{ storageHash: string }>("eth_getProof", [elsewhere, [], "latest"]))
                .storageHash,
              destination: EMPTY_TRIE,
            },
          ],
        },
      ]);
    });

    it("finds an account no transaction or log shows by the state root, and copies it when named", async () => {
      const { chain } = await tokenChain();
      const silent = "0x000000000000000000000000000000000000f00d";
      await chain.request("hardhat_setBalance", [silent, "0x1"]);
      await chain.request("evm_mine", []);
      const layouts = await loadContractLayouts();
      const error = await copyChainState(chain.request, (await open()).request, {
        harvest: new KeyHarvest(layouts.events),
        layouts,
      }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StateCopyError);
      expect((error as StateCopyError).differences).to.deep.equal([]);
      expect((error as Error).message).to.match(/every copied account matches, but block \d+'s state root/);

      const copied = await copyChainState(chain.request, (await open()).request, {
        harvest: new KeyHarvest(layouts.events),
        layouts,
        accounts: [silent],
      });
      expect(copied.stateRoot).to.equal(
        (await chain.request<{ stateRoot: string }>("eth_getBlockByNumber", ["latest", false])).stateRoot,
      );
    });

    it("refuses a destination that is not fresh, starts later, or a source with pending transactions", async () => {
      const { chain } = await tokenChain();
      const refusal = async (destination: EdrChain) => {
        const error = await copyChainState(chain.request, destination.request, { harvest: new KeyHarvest() }).catch(
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(StateCopyError);
        return (error as Error).message;
      };
      const used = await open();
      await used.request("evm_mine", []);
      expect(await refusal(used)).to.match(/has mined 1 blocks: copy into a fresh chain/);
      expect(await refusal(await open(START + 3600))).to.match(/open it with the source's startTime or earlier/);
      await chain.request("evm_setAutomine", [false]);
      await chain.request("eth_sendTransaction", [
        { from: chain.accounts[0], to: chain.accounts[1], value: "0x1", gas: "0x5208", maxFeePerGas: "0x3b9aca00" },
      ]);
      expect(await refusal(await open())).to.match(/the source has 1 pending transactions/);
    });
  });
});
