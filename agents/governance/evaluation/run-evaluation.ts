// The `evaluate` task's work: prepare the chain (the in-process chain with the scenario deployed and
// set up, or a node's deployment with the agents set up inside a snapshot), take the proposal (a
// draft from key=value changes, or a submitted one decoded from its ProposalCreated event), let the
// token-holding agents delegate to themselves, evaluate, decide the votes, predict the outcome and
// write the markdown report.

import { createHash } from "node:crypto";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "viem";

import { readDeploymentFile, deploymentFilePath } from "../../deploy/deployment-file.ts";
import { writeFileAtomically } from "../../core/write-atomically.ts";
import { checkOutputFile } from "../../core/output-file.ts";
import type { Scenario } from "../../inputs/scenario-types.ts";
import type { Chain } from "../../chain/chain.ts";
import { assertKnownNetwork } from "../../chain/network-guard.ts";
import { expectedApplyAt } from "./apply-time.ts";
import { decodeParameterChanges } from "../protocol/proposal.ts";
import { checkChanges, describeChange, ProposalRefused, readParameters } from "../protocol/changes.ts";
import { formatParameter, type ParameterChange } from "../../core/parameters.ts";
import { type Evaluation, evaluateProposal } from "./evaluate.ts";
import { evaluationReport, type ReportedChange } from "./evaluation-report.ts";
import { prepareEvaluationChain } from "./evaluation-chain.ts";
import { GOVERNOR_ABI, parameterProposal, type ProposalActions } from "../protocol/proposal.ts";
import {
  type OutcomePrediction,
  predictOutcome,
  type ProposalRef,
  selfDelegate,
  type VoterDecision,
  voterDecisions,
} from "./voters.ts";
import { WhatIfError } from "./what-if.ts";

export interface EvaluationTaskOptions {
  scenario: Scenario;
  /** A draft's changes in the store's units; or */
  changes?: ParameterChange[];
  /** a submitted proposal's id (needs `network`). */
  id?: bigint;
  /** The draft's description (a default names the changes). */
  description?: string;
  seeds: number;
  blocks: number;
  warmup: number;
  /** A node with deployments/<network>.json; the in-process chain when absent. */
  network?: string;
  /** Report path; evaluationReportPath's when absent. */
  out?: string;
  /** Replace the report if the file exists (otherwise an existing file is refused before any work). */
  force?: boolean;
  log?: (line: string) => void;
}

export interface EvaluationTaskResult {
  path: string;
  report: string;
  evaluation: Evaluation;
  decisions: VoterDecision[];
  prediction: OutcomePrediction;
}

export async function runEvaluationTask(
  hre: HardhatRuntimeEnvironment,
  options: EvaluationTaskOptions,
): Promise<EvaluationTaskResult> {
  const { scenario } = options;
  const log = options.log ?? (() => undefined);
  if ((options.changes === undefined || options.changes.length === 0) === (options.id === undefined)) {
    throw new WhatIfError(
      "give either --change key=value[,key=value] (a draft) or --id <proposal id> (a submitted proposal), not both or neither",
    );
  }
  if (options.network !== undefined) assertKnownNetwork(hre.config.networks, options.network);
  const onNode = options.network !== undefined && options.network !== "default";
  if (options.id !== undefined && !onNode)
    throw new WhatIfError(
      "--id evaluates a proposal submitted on a node: add --network <name> (with deployments/<name>.json), or give --change for a draft",
    );
  if (!Number.isInteger(options.seeds) || options.seeds < 1)
    throw new WhatIfError(`--seeds must be at least 1 (5 gives useful intervals), got ${options.seeds}`);
  if (!Number.isInteger(options.blocks) || options.blocks < 2)
    throw new WhatIfError(`--blocks must be at least 2, got ${options.blocks}`);
  if (!Number.isInteger(options.warmup) || options.warmup < 0)
    throw new WhatIfError(`--warmup must be 0 or more blocks, got ${options.warmup}`);

  // Before anything is deployed or sent: the report's path must be free (or --force) and writable.
  const path = options.out ?? evaluationReportPath(scenario.name, options.changes, options.id);
  checkOutputFile(path, options.force ?? false);

  const deployment = onNode ? await readDeploymentFile(deploymentFilePath(options.network!)) : undefined;
  const prepared = await prepareEvaluationChain(hre, {
    scenario,
    warmup: options.warmup,
    ...(onNode ? { network: options.network, deployment } : {}),
    log,
  });
  try {
    const { ctx } = prepared;
    const { chain, addresses } = ctx;
    const parameters = await readParameters(chain.client, addresses.store);

    let actions: ProposalActions;
    let proposal: ProposalRef;
    if (options.id !== undefined) {
      proposal = { kind: "submitted", id: options.id };
      actions = await submittedActions(chain, addresses.governor, options.id, BigInt(deployment!.deployBlock));
    } else {
      proposal = { kind: "draft" };
      const changes = options.changes!;
      const problems = checkChanges(parameters, changes);
      if (problems.length > 0) throw new ProposalRefused(problems);
      actions = parameterProposal(
        addresses.store,
        changes,
        options.description ?? `Set ${changes.map((c) => describeChange(c, parameters.get(c.key)?.value)).join(", ")}`,
      );
    }

    // Token holders delegate to themselves, so their tokens carry votes (a draft counts them now).
    const holders = [];
    for (const w of ctx.wallets) {
      const balance = await chain.client.readContract({
        address: addresses.token,
        abi: ERC20_BALANCE,
        functionName: "balanceOf",
        args: [w.address],
      });
      if (balance > 0n) holders.push(w);
    }
    await selfDelegate(chain, addresses.token, holders, { priorityFeeWei: scenario.gas.priorityFeeWei });
    log(`${holders.length} token-holding agents delegated their votes to themselves`);

    const { applyAt, why } = await expectedApplyAt(chain, addresses, scenario.blockSeconds, actions, proposal);
    const seeds = Array.from({ length: options.seeds }, (_, i) => scenario.seed + BigInt(i));
    log(
      `evaluating "${actions.description}" over ${seeds.length} seeds × ${options.blocks} blocks from ${new Date(Number(applyAt) * 1000).toISOString()}`,
    );
    const evaluation = await evaluateProposal(ctx, {
      actions,
      seeds,
      blocks: options.blocks,
      applyAt,
      onArm: (done, total) => log(`  arm ${done}/${total}`),
    });
    const decisions = await voterDecisions(
      chain,
      addresses.governor,
      addresses.token,
      ctx.wallets,
      evaluation,
      proposal,
    );
    const prediction = await predictOutcome(chain, addresses.governor, addresses.token, decisions, proposal);
    const changes: ReportedChange[] = decodeParameterChanges(actions, addresses.store).map((c) => ({
      key: c.key,
      to: c.value,
      ...(parameters.has(c.key) ? { from: parameters.get(c.key)!.value } : {}),
    }));
    const report = evaluationReport({
      evaluation,
      proposal,
      changes,
      applyWhy: why,
      warmup: options.warmup,
      network: chain.networkName,
      decisions,
      prediction,
    });

    await writeFileAtomically(path, report);
    return { path, report, evaluation, decisions, prediction };
  } finally {
    await prepared.close();
  }
}

/**
 * runs/evaluate-<scenario>-<changes>.md for a draft (e.g. runs/evaluate-calm-market.buyFeeBps-150.md), so
 * evaluating another change writes another report; runs/evaluate-<scenario>-id<first 10 digits>.md for a
 * submitted proposal.
 */
export function evaluationReportPath(scenario: string, changes?: readonly ParameterChange[], id?: bigint): string {
  if (id !== undefined) return join("runs", `evaluate-${scenario}-id${id.toString().slice(0, 10)}.md`);
  const named = (changes ?? [])
    .map((c) => `${c.key}-${formatParameter(c.key, c.value)}`.replace(/[^A-Za-z0-9._-]/g, "_"))
    .join("+");
  // A long list of changes keeps its first ones and a digest of all, within a file name's length.
  const name =
    named.length <= 120
      ? named
      : `${named.slice(0, 100)}-${createHash("sha256").update(named).digest("hex").slice(0, 12)}`;
  return join("runs", `evaluate-${scenario}-${name}.md`);
}

const ERC20_BALANCE = [
  {
    type: "function",
    name: "balanceOf",
    stateMutability: "view",
    inputs: [{ name: "account", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
] as const;

/** A submitted proposal's calls, from its ProposalCreated event. */
async function submittedActions(
  chain: Chain,
  governor: Address,
  id: bigint,
  fromBlock: bigint,
): Promise<ProposalActions> {
  const events = await chain.client.getContractEvents({
    address: governor,
    abi: GOVERNOR_ABI,
    eventName: "ProposalCreated",
    fromBlock,
    toBlock: "latest",
  });
  const created = events.find((e) => e.args.proposalId === id);
  if (created === undefined)
    throw new WhatIfError(
      `governor ${governor} has no proposal ${id} (${events.length} proposals since block ${fromBlock}); check the id`,
    );
  const a = created.args;
  return {
    targets: [...a.targets!],
    values: [...a.values!],
    calldatas: [...a.calldatas!],
    description: a.description!,
  };
}
