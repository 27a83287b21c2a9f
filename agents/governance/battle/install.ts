// Puts a scenario's governance into a World: the book of proposals, the trail, and the participants in
// the order they act each step — the guardian first (a pause lands ahead of the block's trades), then
// the script, the protocol-owned agent and the voters. Every what-if runs the scenario's own agents
// from the battle's current state, with seeds drawn from the run's seed, so a run repeats exactly.

import { type Address, erc20Abi, getAddress } from "viem";

import { Random } from "../../core/random.ts";
import type { EvaluationConfig } from "../../inputs/governance-types.ts";
import type { Scenario } from "../../inputs/scenario-types.ts";
import type { GovernanceSetup } from "./governance-setup.ts";
import type { SetupResult } from "../../deploy/agents.ts";
import type { ChainBackend } from "../../engine/chain-backend.ts";
import type { World } from "../../engine/world.ts";
import { type Evaluator, GovernanceBook } from "./book.ts";
import type { GovernanceAddresses } from "../protocol/proposal.ts";
import { evaluateProposal } from "../evaluation/evaluate.ts";
import { RunForecast } from "../evaluation/model-fork.ts";
import { governanceEvaluation } from "../evaluation/evaluation.ts";
import { Guardian } from "./guardian.ts";
import { type Forecaster, ProtocolAgent } from "./protocol-agent.ts";
import { Script } from "./script.ts";
import type { GovernanceTrail } from "./trail.ts";
import { Voters } from "./voter-participant.ts";
import type { LlmClient } from "../../llm/client.ts";

export interface InstalledGovernance {
  book: GovernanceBook;
  trail: GovernanceTrail;
  addresses: GovernanceAddresses;
  protocolAgent?: ProtocolAgent;
  /** What-ifs run so far (each one pair of arms per seed). */
  evaluations: () => number;
}

const DEFAULT_EVALUATION: EvaluationConfig = { seeds: 3, blocks: 30 };

export function installGovernance(
  world: World,
  backend: ChainBackend,
  scenario: Scenario,
  setup: SetupResult,
  governanceSetup: GovernanceSetup,
  trail: GovernanceTrail,
  /** The model the protocol agent drafts its candidates with (`draft: llm`); the grid when absent. */
  protocolDrafter?: LlmClient,
): InstalledGovernance | undefined {
  const config = scenario.governance;
  if (config === undefined) return undefined;
  const d = setup.deployment;
  const addresses: GovernanceAddresses = {
    governor: getAddress(d.addresses.governor),
    timelock: getAddress(d.addresses.timelock),
    store: getAddress(d.addresses.store),
    token: getAddress(d.addresses.token),
    market: getAddress(d.addresses.market),
  };
  const g = d.genesis.governance;
  const timing = {
    votingDelayBlocks: BigInt(g.votingDelayBlocks),
    votingPeriodBlocks: BigInt(g.votingPeriodBlocks),
    timelockDelaySeconds: BigInt(g.timelockDelaySeconds),
    blockSeconds: scenario.blockSeconds,
  };

  let evaluations = 0;
  const root = new Random(scenario.seed);
  const evaluator: Evaluator = async (actions, applyAt, evaluation) => {
    const n = ++evaluations;
    const rng = root.fork(`governance/what-if/${n}`);
    const seeds = Array.from({ length: evaluation.seeds }, () => rng.uniform(0n, 2n ** 63n));
    const treasuryBalance = (await backend.chain.client.readContract({
      address: backend.addresses.quote,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [backend.addresses.treasury],
    })) as bigint;
    const curve = world.curveState();
    const start = {
      curvePriceWad: curve.priceWad,
      poolPriceWad: world.poolState().priceWad,
      treasuryQuote: treasuryBalance + curve.treasuryAccrued,
    };
    const ctx = {
      chain: backend.chain,
      abis: backend.abis,
      addresses: {
        ...backend.addresses,
        governor: addresses.governor,
        timelock: addresses.timelock,
        store: addresses.store,
      },
      scenario,
      wallets: setup.wallets,
      history: world.priceHistory(),
      stepZeroTimestamp: governanceSetup.lastTimestamp,
    };
    return governanceEvaluation(
      await evaluateProposal(ctx, { actions, seeds, blocks: evaluation.blocks, applyAt }),
      start,
    );
  };
  // Forecasts draw their seeds from a stream of their own, so the what-ifs' seeds stay as they were.
  let forecasts = 0;
  const forecaster: Forecaster = (applyAt, seeds, history) => {
    const rng = root.fork(`governance/forecast/${++forecasts}`);
    return new RunForecast(
      { world, wallets: setup.wallets, scenario, stepZeroTimestamp: governanceSetup.lastTimestamp },
      { applyAt, history, seeds: Array.from({ length: seeds }, () => rng.uniform(0n, 2n ** 63n)) },
    );
  };
  const proposalEvaluation = config.voters?.evaluation ?? config.protocolAgent?.evaluation ?? DEFAULT_EVALUATION;
  const book = new GovernanceBook(backend.chain.client, trail, addresses, timing, evaluator, proposalEvaluation);
  if (governanceSetup.bootstrap !== undefined) trail.add({ step: 0, kind: "bootstrap", ...governanceSetup.bootstrap });

  const wallets = new Map<string, Address>(setup.wallets.map((w) => [w.config.id, w.address]));
  if (config.guardian !== undefined)
    world.addParticipant(new Guardian(config.guardian, getAddress(d.accounts.guardian), book));
  const script = new Script(config.script, wallets, book);
  if (config.script.length > 0) world.addParticipant(script);
  let protocolAgent: ProtocolAgent | undefined;
  if (config.protocolAgent !== undefined) {
    protocolAgent = new ProtocolAgent(
      config.protocolAgent,
      governanceSetup.protocolAgentAddress!,
      book,
      forecaster,
      protocolDrafter,
      scenario.blocks,
    );
    world.addParticipant(protocolAgent);
  }
  if (config.voters !== undefined)
    world.addParticipant(new Voters(config.voters, wallets, book, (p, agent) => script.decides(p, agent)));
  return {
    book,
    trail,
    addresses,
    ...(protocolAgent === undefined ? {} : { protocolAgent }),
    evaluations: () => evaluations,
  };
}
