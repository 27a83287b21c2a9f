// `bin/arena smt [--targets smt/targets.json] [--only id,id] [--out runs/smt-check.json]`: solc's SMTChecker
// (CHC) over each formal-check target with Debian's z3; prints a table and writes the report. Exits 1 when a
// check has a counterexample (unproved checks are reported and do not fail it). The work is in agents/formal.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { ArenaError } from "../agents/core/errors.ts";
import { alignedTable } from "../agents/core/table.ts";
import {
  checkTarget,
  SmtCheckError,
  solcVersion,
  type TargetReport,
  z3Binary,
  z3Version,
} from "../agents/formal/smt-check.ts";
import { readSmtTargets } from "../agents/formal/smt-targets.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function main(): number {
  const { values } = parseArgs({
    options: {
      targets: { type: "string", default: join(root, "smt", "targets.json") },
      only: { type: "string", default: "" },
      out: { type: "string", default: join(root, "runs", "smt-check.json") },
      root: { type: "string", default: root },
    },
    strict: true,
  });
  const sourceRoot = resolve(values.root);
  let targets = readSmtTargets(resolve(values.targets), sourceRoot);
  if (values.only !== "") {
    const wanted = values.only.split(",").map((id) => id.trim());
    const unknown = wanted.filter((id) => !targets.some((t) => t.id === id));
    if (unknown.length > 0)
      throw new SmtCheckError(
        `--only names no target ${unknown.join(", ")}; targets: ${targets.map((t) => t.id).join(", ")}`,
      );
    targets = targets.filter((t) => wanted.includes(t.id));
  }
  const z3 = z3Binary();
  const started = Date.now();
  const reports: TargetReport[] = [];
  for (const target of targets) {
    console.log(`smt: ${target.id} (${target.contract}, up to ${target.timeoutSeconds} s a query) ...`);
    const report = checkTarget(target, sourceRoot, z3);
    reports.push(report);
    for (const check of report.checks.filter((c) => c.status !== "safe")) {
      console.log(`  ${check.status}: ${check.kind} at ${check.at}: ${check.code}`);
      if (check.reason !== undefined) console.log(`    ${check.reason}`);
      if (check.counterexample !== undefined) console.log(`    ${check.counterexample.split("\n").join("\n    ")}`);
    }
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  const document = { solc: solcVersion(), z3: z3Version(z3), seconds, targets: reports };
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);

  const count = (r: TargetReport, status: string) => String(r.checks.filter((c) => c.status === status).length);
  console.log(
    `\n${alignedTable(
      [
        { title: "target", align: "left" },
        { title: "result", align: "left" },
        { title: "safe", align: "right" },
        { title: "unproved", align: "right" },
        { title: "counterexample", align: "right" },
        { title: "seconds", align: "right" },
      ],
      reports.map((r) => [
        r.id,
        r.status,
        count(r, "safe"),
        count(r, "unproved"),
        count(r, "counterexample"),
        r.seconds.toFixed(1),
      ]),
    )}`,
  );
  const failed = reports.filter((r) => r.status === "counterexample");
  console.log(
    `smt: ${reports.length} targets in ${seconds.toFixed(1)} s: ${reports.filter((r) => r.status === "safe").length} proved safe, ${reports.filter((r) => r.status === "unproved").length} unproved, ${failed.length} with a counterexample; report ${out}`,
  );
  return failed.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  // parseArgs refuses an unknown or incomplete option with a TypeError whose code starts ERR_PARSE_ARGS.
  const badOption = String((error as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
  if (!(error instanceof ArenaError) && !badOption) throw error;
  console.error(`smt: ${(error as Error).message}${badOption ? " (options: --targets, --only, --out, --root)" : ""}`);
  process.exitCode = 1;
}
