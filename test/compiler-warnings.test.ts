// The build prints every compiler warning except solc's transient-storage warning raised by
// OpenZeppelin's TransientSlot.sol (plugins/quiet-transient-storage-warning.ts). Scratch contracts are
// compiled by the project's own solc, and their errors run through the hook chain the build prints from.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import type { CompilationJob, CompilerOutput, CompilerOutputError } from "hardhat/types/solidity";

// Uses OpenZeppelin's guard (whose TransientSlot.sol raises the warning) and leaves a variable unused.
const GUARDED = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

contract GuardedScratch is ReentrancyGuardTransient {
    function guarded() external nonReentrant returns (uint256) {
        uint256 unused = 7;
        return 1;
    }
}
`;

// Writes transient storage itself: solc warns once per compilation, so this one is compiled alone.
const OWN_TRANSIENT = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract OwnTransientScratch {
    function write() external {
        assembly {
            tstore(0, 1)
        }
    }
}
`;

const TRANSIENT = "2394";
const UNUSED_LOCAL = "2072";

interface Compiled {
  job: CompilationJob;
  output: CompilerOutput;
}

/** What solc said, with paths as Hardhat prints them (`./node_modules/…`). */
async function solcSaid({ job, output }: Compiled): Promise<CompilerOutputError[]> {
  return Promise.all((output.errors ?? []).map((error) => hre.solidity.remapCompilerError(job, error, true)));
}

/** What the build prints: the errors through the project's getCompilationJobErrors hook chain. */
async function buildPrints({ job, output }: Compiled): Promise<CompilerOutputError[]> {
  return hre.hooks.runHandlerChain(
    "solidity",
    "getCompilationJobErrors",
    [job, output],
    async (_c, nextJob, nextOutput) =>
      Promise.all((nextOutput.errors ?? []).map((error) => hre.solidity.remapCompilerError(nextJob, error, true))),
  );
}

function warningsAt(errors: readonly CompilerOutputError[], code: string): string[] {
  return errors
    .filter((error) => error.errorCode === code)
    .map((error) => /-->\s+([^\s:]+\.sol)/.exec(error.formattedMessage ?? "")?.[1] ?? "");
}

describe("compiler warnings", function () {
  this.timeout(300_000);
  let dir: string;
  let guarded: Compiled;
  let ownTransient: Compiled;

  const compile = async (name: string, source: string): Promise<Compiled> => {
    const file = join(dir, `${name}.sol`);
    await writeFile(file, source);
    const jobs = await hre.solidity.getCompilationJobs([file], { quiet: true, force: true });
    if (!jobs.success) throw new Error(`no compilation job for ${name}: ${jobs.formattedReason}`);
    const job = [...jobs.compilationJobsPerFile.values()][0]!;
    return { job, output: (await hre.solidity.runCompilationJob(job, { quiet: true })).output };
  };

  before(async function () {
    // Inside the project (cache/ is git-ignored), so the resolver finds @openzeppelin in node_modules.
    dir = await mkdtemp(join(hre.config.paths.cache, "warning-scratch-"));
    guarded = await compile("GuardedScratch", GUARDED);
    ownTransient = await compile("OwnTransientScratch", OWN_TRANSIENT);
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("solc raises the transient-storage warning at OpenZeppelin's TransientSlot.sol", async function () {
    const said = await solcSaid(guarded);
    expect(warningsAt(said, TRANSIENT)).to.deep.equal([
      "./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol",
    ]);
    expect(warningsAt(said, UNUSED_LOCAL)).to.have.length(1);
  });

  it("prints every warning but that one", async function () {
    const printed = await buildPrints(guarded);
    expect(warningsAt(printed, TRANSIENT)).to.deep.equal([]);
    const unused = printed.filter((error) => error.errorCode === UNUSED_LOCAL);
    expect(unused).to.have.length(1);
    expect(unused[0]!.severity).to.equal("warning");
    expect(unused[0]!.formattedMessage).to.include("Unused local variable").and.include("GuardedScratch.sol");
    expect(printed).to.have.length((await solcSaid(guarded)).length - 1);
  });

  it("still prints the transient-storage warning when a project file raises it", async function () {
    const scratch = `./${relative(hre.config.paths.root, join(dir, "OwnTransientScratch.sol"))}`;
    expect(warningsAt(await solcSaid(ownTransient), TRANSIENT)).to.deep.equal([scratch]);
    expect(warningsAt(await buildPrints(ownTransient), TRANSIENT)).to.deep.equal([scratch]);
  });
});
