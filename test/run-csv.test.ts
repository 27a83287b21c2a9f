import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CsvError, csvHeader, csvLine } from "../agents/core/csv.ts";
import { agentRows, readAgentsCsv, readStepsCsv } from "../agents/run/run-csv.ts";
import { AGENT_COLUMNS } from "../agents/core/records.ts";
import { STEP_COLUMNS } from "../agents/mechanisms/registry.ts";
import { syntheticSteps } from "./helpers/synthetic-run.ts";

describe("run csv files", function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "arena-csv-"));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const stepsText = (rows = syntheticSteps(3)) =>
    csvHeader(STEP_COLUMNS) + rows.map((row) => csvLine(STEP_COLUMNS, row)).join("");

  it("reads steps.csv back to the bigint rows that were written", async function () {
    const rows = syntheticSteps(5);
    await writeFile(join(dir, "steps.csv"), stepsText(rows));
    expect(await readStepsCsv(join(dir, "steps.csv"))).to.deep.equal(rows);
  });

  it("takes columns by header name, ignores extra columns, CRLF and a trailing blank line", async function () {
    const file = join(dir, "agents.csv");
    const header = ["note", ...[...AGENT_COLUMNS].reverse()];
    const values = ["x", "7", "6", "5", "-4", "3", "2", "1", "0", "0", "whale-1", "2"];
    await writeFile(file, `${header.join(",")}\r\n${values.join(",")}\r\n\r\n`);
    expect(await readAgentsCsv(file)).to.deep.equal([
      {
        step: 2n,
        agent: "whale-1",
        tokens: 0n,
        quote: 0n,
        lp: 1n,
        claimable: 2n,
        valueQuote: 3n,
        pnlQuote: -4n,
        txs: 5n,
        reverts: 6n,
        gasUsed: 7n,
      },
    ]);
  });

  it("names the file and line of a malformed row", async function () {
    const file = join(dir, "steps.csv");
    const lines = stepsText().split("\n");
    await writeFile(file, [...lines.slice(0, 2), lines[2].replace(/,[^,]*$/, ""), ...lines.slice(3)].join("\n"));
    await expectCsvError(readStepsCsv(file), `${file}:3: expected 17 fields as in the header, found 16`);

    const fields = lines[2].split(",");
    fields[STEP_COLUMNS.indexOf("gapBps")] = "1.5";
    await writeFile(file, [lines[0], lines[1], fields.join(","), ""].join("\n"));
    await expectCsvError(readStepsCsv(file), `${file}:3: gapBps must be an integer, found "1.5"`);
  });

  it("refuses a header without the expected columns, an empty file and a missing one", async function () {
    const file = join(dir, "agents.csv");
    await writeFile(file, "step,agent,tokens\n1,a,2\n");
    await expectCsvError(
      readAgentsCsv(file),
      `${file}:1: header lacks column(s) quote, lp, claimable, valueQuote, pnlQuote, txs, reverts, gasUsed`,
    );
    await writeFile(file, "");
    await expectCsvError(readAgentsCsv(file), `${file}:1: empty file`);
    await expectCsvError(readStepsCsv(join(dir, "nowhere.csv")), "nowhere.csv:0: no such file");
  });

  it("streams rows, so a reader can stop early", async function () {
    const file = join(dir, "agents-long.csv");
    const row = (step: number) => ({
      step,
      agent: "a",
      tokens: 0,
      quote: 0,
      lp: 0,
      claimable: 0,
      valueQuote: 0,
      pnlQuote: step,
      txs: 0,
      reverts: 0,
      gasUsed: 0,
    });
    await writeFile(
      file,
      csvHeader(AGENT_COLUMNS) + Array.from({ length: 1_000 }, (_, i) => csvLine(AGENT_COLUMNS, row(i + 1))).join(""),
    );
    const seen: bigint[] = [];
    for await (const each of agentRows(file)) {
      seen.push(each.pnlQuote);
      if (seen.length === 3) break;
    }
    expect(seen).to.deep.equal([1n, 2n, 3n]);
  });

  it("refuses to write a field that would break the format", function () {
    expect(() => csvLine(["agent"], { agent: "a,b" })).to.throw(RangeError, /csv field agent "a,b" contains a comma/);
  });
});

async function expectCsvError(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CsvError);
    expect((error as Error).message).to.contain(message);
    return;
  }
  expect.fail(`expected a CsvError containing ${message}`);
}
