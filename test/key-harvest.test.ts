// The harvest keeps the accounts and key-like words a run shows, and stays bounded: amounts in event
// data are never kept, however many trades there are; nested-mapping partners come from one log.

import { expect } from "chai";
import hre from "hardhat";
import { type Abi, type AbiEvent, encodeAbiParameters, encodeEventTopics, type Hex } from "viem";

import { KeyHarvest } from "../agents/chain/key-harvest.ts";

const ALICE: Hex = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const BOB: Hex = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const TOKEN: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

async function events(): Promise<AbiEvent[]> {
  const out: AbiEvent[] = [];
  for (const name of ["ArenaToken", "ArenaGovernor"]) {
    const abi = (await hre.artifacts.readArtifact(name)).abi as Abi;
    out.push(...abi.filter((item): item is AbiEvent => item.type === "event"));
  }
  return out;
}

function log(
  abi: readonly AbiEvent[],
  name: string,
  args: Record<string, unknown>,
): { address: string; topics: Hex[]; data: Hex } {
  const event = abi.find((e) => e.name === name)!;
  const topics = encodeEventTopics({ abi: [event], eventName: name, args } as Parameters<typeof encodeEventTopics>[0]);
  const data = encodeAbiParameters(
    event.inputs.filter((i) => !i.indexed),
    event.inputs.filter((i) => !i.indexed).map((i) => args[i.name!]),
  );
  return { address: TOKEN, topics: topics as Hex[], data };
}

describe("key harvest", () => {
  it("keeps addresses and ids, never amounts, however many transfers", async () => {
    const abi = await events();
    const harvest = new KeyHarvest(abi);
    for (let amount = 1n; amount <= 500n; amount++) {
      harvest.observeReceipt({
        from: ALICE,
        to: TOKEN,
        logs: [log(abi, "Transfer", { from: ALICE, to: BOB, value: amount * 10n ** 18n })],
      });
    }
    expect([...harvest.accounts].sort()).to.deep.equal([ALICE, BOB, TOKEN].sort());
    expect(harvest.words.size).to.equal(3);
    expect([...harvest.partnersOf(BigInt(ALICE))]).to.deep.equal([BigInt(BOB)]);
    expect([...harvest.senders]).to.deep.equal([ALICE]);
  });

  it("takes a proposal id from a vote's data and pairs it with the voter, leaving the weight out", async () => {
    const abi = await events();
    const harvest = new KeyHarvest(abi);
    const proposalId = 12345678901234567890n;
    harvest.observeLog(
      log(abi, "VoteCast", { voter: BOB, proposalId, support: 1, weight: 777n * 10n ** 18n, reason: "yes" }),
    );
    expect(harvest.words).to.deep.equal(new Set([BigInt(TOKEN), BigInt(BOB), proposalId]));
    expect(harvest.partnersOf(proposalId)).to.deep.equal(new Set([BigInt(BOB)]));

    // Without the ABI only the topics are kept: the proposal id, in the data, is not.
    const blind = new KeyHarvest();
    blind.observeLog(log(abi, "VoteCast", { voter: BOB, proposalId, support: 1, weight: 1n, reason: "" }));
    expect(blind.words.has(proposalId)).to.equal(false);
    expect(blind.accounts.has(BOB)).to.equal(true);
  });
});
