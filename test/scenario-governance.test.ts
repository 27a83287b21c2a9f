// The scenario's governance section: the ready-made governance scenario read into exact settings,
// and every kind of mistake refused with its path, what was expected and the fix.

import { expect } from "chai";

import { loadScenario, parseScenario, ScenarioError, type ScenarioIssue } from "../agents/inputs/scenario.ts";

function base(governance: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "test",
    seed: 1,
    blocks: 100,
    agents: [
      {
        id: "noise",
        count: 2,
        funds: { quote: "1000", tokens: "100" },
        behaviours: [{ kind: "noise", venues: ["curve", "pool"], ratePerStep: 0.2, minQuote: "5", maxQuote: "50" }],
      },
      {
        id: "whale",
        funds: { quote: "1000", tokens: "100" },
        behaviours: [{ kind: "noise", venues: ["pool"], ratePerStep: 0.1, minQuote: "5", maxQuote: "50" }],
      },
    ],
    governance,
  };
}

const poa = (extra: Record<string, unknown> = {}) => ({
  id: "poa",
  objective: { minimise: "curveVolatility", subjectTo: ["minSolvency >= 1"] },
  parameters: ["market.buyFeeBps"],
  ...extra,
});

function issuesOf(input: unknown): ScenarioIssue[] {
  try {
    parseScenario(input, "test.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioError);
    return (error as ScenarioError).issues;
  }
  return expect.fail("parseScenario accepted a bad scenario");
}

function expectIssue(governance: Record<string, unknown>, path: string, expected: string): ScenarioIssue {
  const issues = issuesOf(base(governance));
  expect(
    issues.map((i) => i.path),
    JSON.stringify(issues, null, 1),
  ).to.deep.equal([path]);
  expect(issues[0]!.expected).to.contain(expected);
  return issues[0]!;
}

describe("scenario governance section", function () {
  it("reads governance.yaml: the objective, the parameters, voters by group, the guardian", async function () {
    const g = (await loadScenario("scenarios/governance.yaml")).governance!;
    expect(g.protocolAgent).to.deep.include({
      id: "poa",
      parameters: ["curve.slope", "market.buyFeeBps", "market.sellFeeBps"],
      startStep: 1,
      everySteps: 60,
      stepFractions: [1],
      windowSteps: 30,
      unpauseAfterSteps: 10,
    });
    expect(g.protocolAgent!.objective).to.deep.equal({
      direction: "minimise",
      metric: "curveVolatilityBps",
      constraints: [
        { kind: "level", metric: "minSolvencyRatio", op: ">=", value: 1, text: "minSolvencyRatio >= 1" },
        { kind: "notFalling", metric: "treasuryRevenueQuote", text: "treasuryRevenueQuote not falling" },
      ],
    });
    expect(g.protocolAgent!.evaluation).to.deep.equal({ seeds: 3, blocks: 20 });
    expect(g.voters).to.deep.equal({
      agents: ["noise-1", "noise-2", "noise-3", "noise-4", "noise-5", "noise-6", "arb", "momentum-1", "momentum-2"],
      whenIndifferent: "abstain",
      evaluation: { seeds: 3, blocks: 20 },
    });
    expect(g.guardian).to.deep.equal({ windowSteps: 30, priceMoveSigma: 8, minMoveBps: 500, reserveDrainBps: 2000 });
    expect(g.script).to.deep.equal([]);
  });

  it("reads a script into exact changes, in the store's units", async function () {
    const g = (await loadScenario("scenarios/governance-whale.yaml")).governance!;
    expect(g.script).to.have.length(1);
    expect(g.script[0]).to.deep.include({ step: 2, agent: "whale" });
    expect(g.script[0]!.action).to.deep.include({
      kind: "propose",
      label: "whale-fees",
      unpause: false,
      changes: [
        { key: "market.sellFeeBps", value: 150n },
        { key: "market.treasuryShareBps", value: 4000n },
      ],
    });
  });

  it("reads the metrics' first names (curveVolatility, minSolvency, …) as the registry's, in the same unit", function () {
    const objective = (governance: Record<string, unknown>) =>
      parseScenario(base(governance), "test.yaml").governance!.protocolAgent!.objective;
    expect(
      objective({
        protocolAgent: poa({
          objective: {
            maximise: "treasuryRevenue",
            subjectTo: ["minSolvency >= 1.02", "curveVolatility<=5", "curveVolume not falling"],
          },
        }),
      }),
    ).to.deep.equal({
      direction: "maximise",
      metric: "treasuryRevenueQuote",
      constraints: [
        { kind: "level", metric: "minSolvencyRatio", op: ">=", value: 1.02, text: "minSolvencyRatio >= 1.02" },
        { kind: "level", metric: "curveVolatilityBps", op: "<=", value: 5, text: "curveVolatilityBps<=5" },
        { kind: "notFalling", metric: "curveVolumeQuote", text: "curveVolumeQuote not falling" },
      ],
    });
  });

  it("takes only the metrics every evaluation records", function () {
    expectIssue(
      { protocolAgent: poa({ objective: { maximise: "poolFeesQuote" } }) },
      "governance.protocolAgent.objective.maximise",
      '"curveVolatilityBps"',
    );
  });

  it("names an unknown metric, with the closest one as the fix", function () {
    const issue = expectIssue(
      { protocolAgent: poa({ objective: { minimise: "curveVolatilty" } }) },
      "governance.protocolAgent.objective.minimise",
      "one of",
    );
    expect(issue.fix).to.equal('did you mean "curveVolatilityBps"?');
  });

  it("refuses a condition that is not in the stated form", function () {
    const issue = expectIssue(
      { protocolAgent: poa({ objective: { minimise: "curveVolatility", subjectTo: ["solvency > 1"] } }) },
      "governance.protocolAgent.objective.subjectTo[0]",
      "<metric> >= <number>",
    );
    expect(issue.got).to.equal('"solvency > 1"');
    expectIssue(
      { protocolAgent: poa({ objective: { minimise: "curveVolatility", subjectTo: ["minSolvncy >= 1"] } }) },
      "governance.protocolAgent.objective.subjectTo[0]",
      "not falling",
    );
  });

  it("needs exactly one of minimise and maximise", function () {
    expectIssue(
      { protocolAgent: poa({ objective: { minimise: "curveVolatility", maximise: "treasuryRevenue" } }) },
      "governance.protocolAgent.objective",
      "exactly one of",
    );
  });

  it("takes only the genesis's parameter keys", function () {
    const issue = expectIssue(
      { protocolAgent: poa({ parameters: ["market.buyFee"] }) },
      "governance.protocolAgent.parameters[0]",
      "a parameter of the genesis's store",
    );
    expect(issue.fix).to.equal("did you mean market.buyFeeBps?");
  });

  it("gives the protocol agent an id of its own and at least two what-if seeds", function () {
    expectIssue({ protocolAgent: poa({ id: "whale" }) }, "governance.protocolAgent.id", "an id no trading agent has");
    expectIssue(
      { protocolAgent: poa({ evaluation: { seeds: 1 } }) },
      "governance.protocolAgent.evaluation.seeds",
      "from 2 to",
    );
  });

  it("takes voters by id or group, and names an unknown one", function () {
    expect(
      parseScenario(base({ voters: { agents: ["noise", "whale"] } }), "t.yaml").governance!.voters!.agents,
    ).to.deep.equal(["noise-1", "noise-2", "whale"]);
    const issue = expectIssue({ voters: { agents: ["wale"] } }, "governance.voters.agents[0]", "the id of an agent");
    expect(issue.fix).to.equal("did you mean whale?");
    expectIssue(
      { voters: { agents: ["noise"], whenIndifferent: "ignore" } },
      "governance.voters.whenIndifferent",
      '"abstain", "skip"',
    );
  });

  it("refuses a scripted change outside its parameter's bounds when the file is read, as propose would", function () {
    const issue = expectIssue(
      { script: [{ step: 2, agent: "whale", propose: { label: "x", changes: ["market.buyFeeBps=9999"] } }] },
      "governance.script[0].propose.changes[0]",
      "a value within market.buyFeeBps's bounds [0, 300]",
    );
    expect(issue.got).to.equal('"market.buyFeeBps=9999"');
    expect(issue.fix).to.equal(
      "propose a value within them, or widen parameters.market.buyFeeBps in genesis/default.json",
    );
    expectIssue(
      {
        script: [
          {
            step: 2,
            agent: "whale",
            propose: { label: "x", changes: ["curve.basePrice=0.011", "curve.basePrice=0.012"] },
          },
        ],
      },
      "governance.script[0].propose.changes[1]",
      "each parameter once in a proposal",
    );
    // Within its bounds, a value is for the run to judge (its step and interval depend on what happened before).
    const read = parseScenario(
      base({ script: [{ step: 2, agent: "whale", propose: { label: "x", changes: ["market.buyFeeBps=300"] } }] }),
      "t.yaml",
    );
    expect(read.governance!.script[0]!.action).to.deep.include({ changes: [{ key: "market.buyFeeBps", value: 300n }] });
  });

  it("checks a script: one action per entry, changes in human units, votes on earlier scripted proposals", function () {
    expectIssue(
      { script: [{ step: 2, agent: "whale", delegate: "self", vote: { proposal: "x", support: "for" } }] },
      "governance.script[0]",
      "exactly one action",
    );
    const bad = expectIssue(
      { script: [{ step: 2, agent: "whale", propose: { label: "x", changes: ["market.sellFeeBps=1.5"] } }] },
      "governance.script[0].propose.changes[0]",
      "a change like",
    );
    expect(bad.fix).to.contain("whole number of bps");
    expectIssue(
      { script: [{ step: 5, agent: "whale", vote: { proposal: "nope", support: "for" } }] },
      "governance.script[0].vote.proposal",
      "the label of a proposal this script makes",
    );
    expectIssue(
      {
        script: [
          { step: 5, agent: "whale", propose: { label: "x", changes: ["market.sellFeeBps=150"] } },
          { step: 5, agent: "noise-1", vote: { proposal: "x", support: "against" } },
        ],
      },
      "governance.script[1].step",
      "a step after the proposal's",
    );
    expectIssue(
      { script: [{ step: 2, agent: "noise", delegate: "self" }] },
      "governance.script[0].agent",
      "one agent, not a group",
    );
    expectIssue(
      { script: [{ step: 200, agent: "whale", delegate: "self" }] },
      "governance.script[0].step",
      "a step within the run",
    );
  });
});
