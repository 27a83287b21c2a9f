// `npx hardhat gas-compare --a runs/base --b runs/tuned [--by function|agent|behaviour|policy|all] [--limit N] [--out gas.md [--force]]`:
// compares two recorded runs' gas profiles key by key; --out also writes the comparison as markdown
// (an existing file only with --force; a folder, or a folder that cannot be written, is refused first).
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { errorResult, successfulResult } from "hardhat/utils/result";

import { compareGasProfiles, formatGasComparison } from "../agents/gas/compare.ts";
import { GasOptionError, parseGasDimensions, parseLimit } from "../agents/gas/dimension-option.ts";
import { readGasProfile } from "../agents/gas/profile-file.ts";
import { ArenaError } from "../agents/core/errors.ts";
import { checkOutputFile } from "../agents/core/output-file.ts";
import { writeFileAtomically } from "../agents/core/write-atomically.ts";

interface GasCompareTaskArguments {
  /** The baseline run folder (or gas.json); required (undefined or "" when not given). */
  a?: string;
  /** The run compared against it; required. */
  b?: string;
  by: string;
  /** Rows per table, as typed ("0" = all). */
  limit: string | number;
  /** Markdown file to write; undefined or "" for none. */
  out?: string;
  /** Replace `out` if it exists. */
  force?: boolean;
}

export default async function gasCompareTask(args: GasCompareTaskArguments, _hre: HardhatRuntimeEnvironment) {
  try {
    const { a: runA, b: runB, out } = args;
    if (runA === undefined || runA === "" || runB === undefined || runB === "") {
      throw new GasOptionError(
        "--a and --b are both required: two run folders a battle wrote, e.g. --a runs/base-1 --b runs/tuned-1",
      );
    }
    const dimensions = parseGasDimensions(args.by);
    const limit = parseLimit(args.limit);
    if (out !== undefined && out !== "") checkOutputFile(out, args.force ?? false);
    const [a, b] = await Promise.all([readGasProfile(runA), readGasProfile(runB)]);
    const comparison = compareGasProfiles(a, b, { a: runA, b: runB });
    const text = dimensions.map((by) => formatGasComparison(comparison, { by, format: "text", limit })).join("\n\n");
    console.log(text);
    if (out !== undefined && out !== "") {
      const markdown = [
        `## Gas: ${runA} → ${runB}`,
        "",
        ...dimensions.map((by) => formatGasComparison(comparison, { by, format: "markdown", limit })),
      ].join("\n");
      await writeFileAtomically(out, markdown);
      console.log(`\nMarkdown written to ${out}`);
    }
    return successfulResult(text);
  } catch (error) {
    if (error instanceof ArenaError) {
      console.error(`gas-compare: ${error.message}`);
      return errorResult(error.message);
    }
    throw error;
  }
}
