// `hardhat evaluate` as a user runs it: a draft evaluated on the in-process chain writes its report and
// prints the prediction; a change the store would refuse is refused before anything runs.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { figuresOf } from "../agents/governance/evaluation/forum-summary.ts";
import { startLlmServer } from "./helpers/llm-server.ts";

const require = createRequire(import.meta.url);
const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "evaluate", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("evaluate task", function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "arena-evaluate-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("evaluates a draft after a warm-up and writes the report", async () => {
    const out = join(root, "fees.md");
    const { code, stdout, stderr } = await run([
      "--change",
      "market.buyFeeBps=150, market.sellFeeBps=150",
      "--seeds",
      "2",
      "--blocks",
      "20",
      "--warmup",
      "5",
      "--out",
      out,
    ]);
    expect(code, stderr).to.equal(0);
    expect(stderr).to.include("warmed up for 5 blocks");
    expect(stderr).to.include("arm 4/4");
    expect(stdout).to.match(/treasury revenue\s+\+/);
    expect(stdout).to.match(/Predicted: (Succeeded|Defeated) — /);
    expect(stdout).to.include(`Report:    ${out}`);
    expect(existsSync(out)).to.equal(true);
    const report = readFileSync(out, "utf8");
    expect(report).to.include("# Proposal evaluation: Set market.buyFeeBps 100 → 150, market.sellFeeBps 100 → 150");
    expect(report).to.include("after 5 warm-up blocks");
    expect(report).to.include("Seeds: 1, 2 (2)");
  });

  it("refuses a change outside the store's rules, and --id without a node, naming the fix", async () => {
    const tooFar = await run([
      "--change",
      "market.buyFeeBps=400",
      "--seeds",
      "2",
      "--blocks",
      "5",
      "--out",
      join(root, "bad.md"),
    ]);
    expect(tooFar.code).to.not.equal(0);
    expect(tooFar.stderr).to.include(
      "market.buyFeeBps=400 is outside its bounds [0, 300]; propose a value within them",
    );
    expect(existsSync(join(root, "bad.md"))).to.equal(false);
    const noNode = await run(["--id", "123"]);
    expect(noNode.code).to.not.equal(0);
    expect(noNode.stderr).to.include("--id evaluates a proposal submitted on a node: add --network <name>");
  });

  it("--summary llm: the scenario's model writes the post beside the report, replayed offline, and a misquoting post is refused", async () => {
    // The model quotes the report's first signed figure, or (with `invent`) one the report does not have.
    let invent = false;
    const server = await startLlmServer({
      answer: (request) => {
        const messages = request.body.messages as { content: string }[];
        const quoted = invent ? "123,456.789" : figuresOf(messages.at(-1)!.content).find((f) => f.includes("."))!;
        return { json: { title: "Higher fees", body: `Treasury revenue moves by ${quoted} per seed.` } };
      },
    });
    try {
      const scenario = join(root, "calm-llm.yaml");
      writeFileSync(
        scenario,
        `${readFileSync("scenarios/calm.yaml", "utf8")}\nllm: { provider: openai, model: poster-1, baseUrl: "${server.openAiBaseUrl}" }\n`,
      );
      const args = (out: string, ...more: string[]) => [
        "--scenario",
        scenario,
        "--change",
        "market.buyFeeBps=150",
        "--seeds",
        "2",
        "--blocks",
        "10",
        "--out",
        out,
        "--quiet",
        "--summary",
        "llm",
        ...more,
      ];
      const out = join(root, "posted.md");
      const recorded = await run(args(out, "--llm", "record"));
      expect(recorded.code, recorded.stderr).to.equal(0);
      expect(recorded.stdout).to.include(`Post:      ${join(root, "posted.post.md")}`);
      const post = readFileSync(join(root, "posted.post.md"), "utf8");
      expect(post).to.match(/^# Higher fees\n\nTreasury revenue moves by [^ ]*\d\.\d+ per seed\.\n$/);
      expect(server.requests).to.have.length(1);
      const asked = server.requests[0]!.body as { model: string; messages: { content: string }[] };
      expect(asked.model).to.equal("poster-1");
      const report = readFileSync(out, "utf8");
      expect(report).to.match(/ Evaluated in \d+\.\d s\./);
      expect(asked.messages.at(-1)!.content, "the report is in the request, but for its timing").to.include(
        report.replace(/ Evaluated in \d+\.\d s\./, ""),
      );

      // A post quoting a figure the report does not have: refused, the report kept, no post.
      invent = true;
      const refusedOut = join(root, "refused.md");
      const refused = await run(args(refusedOut, "--llm", "live"));
      expect(refused.code).to.not.equal(0);
      expect(refused.stderr).to.include(
        "evaluate: --summary llm: openai poster-1's post quotes 1 figure the report does not have: 123,456.789",
      );
      expect(refused.stderr, "no stack trace").to.not.match(/\n\s+at /);
      expect(readFileSync(refusedOut, "utf8")).to.match(/^# Proposal evaluation: /);
      expect(existsSync(join(root, "refused.post.md"))).to.equal(false);

      await server.close();
      const replayed = await run(args(join(root, "replayed.md")));
      expect(replayed.code, replayed.stderr).to.equal(0);
      expect(readFileSync(join(root, "replayed.post.md"), "utf8")).to.equal(post);
      const missing = await run(args(join(root, "missing.md"), "--cassette", join(root, "empty.cassette")));
      expect(missing.code).to.not.equal(0);
      expect(missing.stderr).to.include("has no answer for the forum post of");
      expect(existsSync(join(root, "missing.md")), "the report stays").to.equal(true);
    } finally {
      await server.close().catch(() => {});
    }

    const noModel = await run(["--change", "market.buyFeeBps=150", "--summary", "llm", "--out", join(root, "none.md")]);
    expect(noModel.code).to.not.equal(0);
    expect(noModel.stderr).to.include("evaluate: --summary llm: scenarios/calm.yaml has no llm section");
    expect(existsSync(join(root, "none.md")), "refused before anything ran").to.equal(false);
  });
});
