// `npx hardhat gas-profile --run runs/<scenario>-<seed> [--by function|agent|behaviour|policy|all] [--limit N]`:
// prints a recorded run's gas profile (its gas.json) as tables. The work is in agents/gas.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { GasOptionError, parseGasDimensions, parseLimit } from "../agents/gas/dimension-option.ts";
import { formatGasTable } from "../agents/gas/format-profile.ts";
import { readGasProfile } from "../agents/gas/profile-file.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { llmPolicyColumns, readLlmStats } from "../agents/llm/stats.ts";

interface GasProfileTaskArguments {
  /** A run folder (or a gas.json file); required (undefined or "" when not given). */
  run?: string;
  by: string;
  /** Rows per table, as typed ("0" = all). */
  limit: string | number;
}

export default async function gasProfileTask(args: GasProfileTaskArguments, _hre: HardhatRuntimeEnvironment) {
  try {
    if (args.run === undefined || args.run === "")
      throw new GasOptionError("--run is required: the run folder a battle wrote, e.g. --run runs/baseline-1");
    const dimensions = parseGasDimensions(args.by);
    const limit = parseLimit(args.limit);
    const profile = await readGasProfile(args.run);
    // Tokens and money beside gas: a run with language-model agents has their totals on its policy's row.
    const llm = dimensions.includes("policy") ? llmPolicyOf(args.run) : undefined;
    const text = dimensions
      .map((by) =>
        formatGasTable(profile, { by, limit, ...(by === "policy" && llm !== undefined ? { extra: llm } : {}) }),
      )
      .join("\n\n");
    console.log(text);
    return successfulResult(text);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`gas-profile: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}

/** The llm columns of a run folder's policy row, when it holds llm.json (and its summary names the policy). */
function llmPolicyOf(run: string) {
  if (!existsSync(join(run, "summary.json"))) return undefined;
  const stats = readLlmStats(run);
  if (stats === undefined) return undefined;
  const policy = (JSON.parse(readFileSync(join(run, "summary.json"), "utf8")) as { scenario: { policy: string } })
    .scenario.policy;
  return llmPolicyColumns(stats, policy);
}
