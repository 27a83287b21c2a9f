import { expect } from "chai";

import { formatGovernanceTable } from "../agents/governance/battle/governance-table.ts";
import type { GovernanceRecord } from "../agents/governance/battle/record-file.ts";

const TOKEN = 10n ** 18n;

function record(overrides: Partial<GovernanceRecord>): GovernanceRecord {
  return {
    kind: "token-arena/governance",
    version: 1,
    protocolAgent: null,
    bootstrap: null,
    proposals: [],
    parameters: {},
    trail: [],
    ...overrides,
  } as GovernanceRecord;
}

describe("battle governance table", function () {
  it("shows each proposal's changes in human units, the tally in tokens, the predicted and the actual outcome", function () {
    const text = formatGovernanceTable(
      record({
        protocolAgent: {
          id: "poa",
          address: "0x0",
          objective: "minimise curveVolatilityBps",
          parameters: ["market.buyFeeBps"],
        },
        proposals: [
          {
            label: "poa-1",
            proposalId: "1",
            by: "poa",
            proposedStep: 61,
            changes: [
              { key: "market.buyFeeBps", value: "150" },
              { key: "curve.basePrice", value: "12000000000000000" },
            ],
            unpause: false,
            description: "",
            state: "Executed",
            predicted: "Succeeded",
            predictionRight: true,
            votes: {
              for: String(1_000_000n * TOKEN),
              against: String(250_500n * TOKEN + 1n),
              abstain: "0",
              quorum: String(92_000n * TOKEN),
            },
            reason: null,
            executedStep: 116,
          },
          {
            label: "whale-1",
            proposalId: "2",
            by: "whale",
            proposedStep: 3,
            changes: [],
            unpause: true,
            description: "",
            state: "Defeated",
            predicted: "Succeeded",
            predictionRight: false,
            votes: null,
            reason: "quorum not reached",
            executedStep: null,
          },
        ],
        trail: [
          { step: 21, kind: "pause", reason: "the reserve fell 1629 bps in one block", status: "success" },
          { step: 22, kind: "pause", reason: "a failed pause", status: "reverted" },
        ],
      }),
    );
    expect(text).to.contain('Protocol-owned agent "poa": minimise curveVolatilityBps');
    expect(text).to.match(
      /poa-1\s+poa\s+61\s+market\.buyFeeBps → 150, curve\.basePrice → 0\.012\s+1,000,000 \/ 250,500 \/ 0 \(quorum 92,000\)\s+Succeeded\s+Executed at block 116/,
    );
    expect(text).to.match(/whale-1\s+whale\s+3\s+unpause\s+Succeeded \(wrong\)\s+Defeated/);
    expect(text).to.contain("Guardian paused the market at block 21: the reserve fell 1629 bps in one block");
    expect(text).not.to.contain("a failed pause");
  });

  it("says so when nobody proposed anything", function () {
    expect(formatGovernanceTable(record({}))).to.equal("No proposals.");
  });
});
