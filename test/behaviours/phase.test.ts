import { expect } from "chai";

import { BehaviourConfigError } from "../../agents/behaviours/config-checks.ts";
import type { NoiseConfig } from "../../agents/behaviours/noise.ts";
import { createBehaviour, createBehaviourAfter } from "../../agents/behaviours/registry.ts";
import { parseScenario, ScenarioError } from "../../agents/inputs/scenario.ts";
import { observation, QUOTE, TOKEN } from "./observation.ts";
import { activeSteps, runSteps } from "./steps.ts";

const RICH = { holdings: { tokens: 10_000_000n * TOKEN, quote: 10_000_000n * QUOTE, lp: 0n } };
const noise = (phase: Partial<NoiseConfig> = {}): NoiseConfig => ({
  kind: "noise",
  label: "noise",
  slippageBps: 300,
  venues: ["curve"],
  ratePerStep: 5,
  minQuote: 1n * QUOTE,
  maxQuote: 10n * QUOTE,
  buyProbability: 0.5,
  ...phase,
});
const steps = (count: number) => Array.from({ length: count }, (_, i) => observation({ step: i + 1, self: RICH }));

describe("behaviour phases (activeFrom, activeUntil)", () => {
  it("act only within their steps, and draw nothing outside them", async () => {
    const observations = steps(12);
    const phased = await runSteps(createBehaviour(noise({ activeFrom: 4, activeUntil: 9 })), observations);
    expect(activeSteps(phased, observations)).to.deep.equal([4, 5, 6, 7, 8, 9]);
    // Its first trades are those a behaviour without a phase makes at its first step: no draw was spent before step 4.
    const always = await runSteps(createBehaviour(noise()), observations);
    expect(phased[3]).to.deep.equal(always[0]);
    expect(phased.slice(9).flat()).to.deep.equal([]);
  });

  it("count the run's steps in a World that starts later (a what-if from the middle of a battle)", async () => {
    const observations = steps(6);
    // The World's step 1 is the run's step 11: a phase from step 13 starts at the World's step 3.
    const later = await runSteps(createBehaviourAfter(10)(noise({ activeFrom: 13 })), observations);
    expect(activeSteps(later, observations)).to.deep.equal([3, 4, 5, 6]);
  });

  it("leave a behaviour without a phase as it is", () => {
    const plain = createBehaviour(noise());
    expect(Object.keys(plain)).to.deep.equal(["kind", "label", "step"]);
  });

  it("are refused when the phase ends before it starts, from a file and from a config", () => {
    const document = {
      name: "s",
      seed: 1,
      blocks: 10,
      agents: [
        {
          id: "a",
          funds: { quote: "100" },
          behaviours: [
            {
              kind: "noise",
              venues: ["curve"],
              ratePerStep: 1,
              minQuote: "1",
              maxQuote: "2",
              activeFrom: 8,
              activeUntil: 3,
            },
          ],
        },
      ],
    };
    expect(() => parseScenario(document, "s.yaml"))
      .to.throw(ScenarioError)
      .with.property(
        "message",
        "s.yaml: agents[0].behaviours[0].activeUntil: expected a step at or after activeFrom (8), got 3; end the phase at or after the step it starts",
      );
    expect(() => createBehaviour(noise({ activeFrom: 8, activeUntil: 3 })))
      .to.throw(BehaviourConfigError)
      .with.property("message")
      .that.contains("activeUntil must be at least activeFrom (8), got 3");
  });
});
